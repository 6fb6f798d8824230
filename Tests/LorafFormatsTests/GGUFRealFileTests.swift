import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

/// The real SmolLM2-135M-Instruct Q4_1 file: header, metadata and every tensor info.
final class GGUFRealFileTests: XCTestCase {
    private static let hidden = 576, feedForward = 1536, keyValue = 192, vocabulary = 49152, blocks = 30

    /// The tensors a 30-block Llama with these sizes has, in the file's order per block, with the
    /// type llama.cpp's Q4_1 recipe gives each (norms F32, token_embd Q8_0, the rest Q4_1);
    /// shapes outermost first.
    private func expectedTensors() -> [(name: String, shape: [Int], type: GGMLType)] {
        let (h, f, kv) = (Self.hidden, Self.feedForward, Self.keyValue)
        var expected: [(String, [Int], GGMLType)] = [("token_embd.weight", [Self.vocabulary, h], .q8_0)]
        for block in 0..<Self.blocks {
            let prefix = "blk.\(block)."
            expected += [
                (prefix + "attn_norm.weight", [h], .f32), (prefix + "ffn_down.weight", [h, f], .q4_1),
                (prefix + "ffn_gate.weight", [f, h], .q4_1), (prefix + "ffn_up.weight", [f, h], .q4_1),
                (prefix + "ffn_norm.weight", [h], .f32), (prefix + "attn_k.weight", [kv, h], .q4_1),
                (prefix + "attn_output.weight", [h, h], .q4_1), (prefix + "attn_q.weight", [h, h], .q4_1),
                (prefix + "attn_v.weight", [kv, h], .q4_1),
            ]
        }
        expected.append(("output_norm.weight", [h], .f32))
        return expected
    }

    func testHeaderAndMetadata() throws {
        let file = try GGUFFile(contentsOf: try smolLM2GGUF())
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.alignment, 32)
        XCTAssertEqual(file.dataOffset % 32, 0)
        let metadata = file.metadata
        XCTAssertEqual(metadata.keys.first, "general.architecture")
        XCTAssertEqual(metadata.entries.count, 33)
        XCTAssertEqual(try metadata.string("general.architecture"), "llama")
        XCTAssertEqual(try metadata.int("llama.block_count"), Self.blocks)
        XCTAssertEqual(try metadata.int("llama.embedding_length"), Self.hidden)
        XCTAssertEqual(try metadata.int("llama.feed_forward_length"), Self.feedForward)
        XCTAssertEqual(try metadata.int("llama.attention.head_count"), 9)
        XCTAssertEqual(try metadata.int("llama.attention.head_count_kv"), 3)
        XCTAssertEqual(try metadata.float("llama.rope.freq_base"), 100_000)
        XCTAssertEqual(try metadata.float("llama.attention.layer_norm_rms_epsilon"), Float(1e-5))
        XCTAssertEqual(try metadata.bool("tokenizer.ggml.add_bos_token"), false)
        XCTAssertEqual(try metadata.string("tokenizer.ggml.model"), "gpt2")
        let tokens = try metadata.stringArray("tokenizer.ggml.tokens")
        XCTAssertEqual(tokens.count, Self.vocabulary)
        XCTAssertEqual(tokens[1], "<|im_start|>")
        XCTAssertEqual(try metadata.intArray("tokenizer.ggml.token_type").count, Self.vocabulary)
        XCTAssertEqual(try metadata.stringArray("tokenizer.ggml.merges").count, 48900)
        XCTAssertEqual(metadata["general.languages"]?.array?.elementType, .string)
        XCTAssertEqual(try metadata.int("tokenizer.ggml.eos_token_id"), 2)
        XCTAssertEqual(try metadata.string("tokenizer.chat_template"), try fixtureChatTemplate())
    }

    func testEveryTensorInfo() throws {
        let file = try GGUFFile(contentsOf: try smolLM2GGUF())
        let expected = expectedTensors()
        XCTAssertEqual(file.tensors.count, 272)
        XCTAssertEqual(file.tensorNames.sorted(), expected.map(\.name).sorted())
        for (name, shape, type) in expected {
            let info = try file.tensorInfo(name)
            XCTAssertEqual(info.shape, shape, name)
            XCTAssertEqual(info.dtype, WeightDType(type), name)
            XCTAssertEqual(try file.entry(name).dimensions, shape.reversed(), name)
            XCTAssertEqual(info.byteCount, info.elementCount / type.elementsPerBlock * type.bytesPerBlock, name)
            XCTAssertEqual(try file.tensorBytes(name).count, info.byteCount, name)
        }
        let counts = Dictionary(grouping: file.tensors, by: \.type).mapValues(\.count)
        XCTAssertEqual(counts, [.q4_1: 210, .f32: 61, .q8_0: 1])
        // The tensors lie back to back, each padded to the alignment, and end the file.
        let end = file.tensors.map { $0.offset + $0.byteCount }.max() ?? 0
        let fileSize = try FileManager.default.attributesOfItem(atPath: file.url.path)[.size] as? Int
        XCTAssertEqual(fileSize, file.dataOffset + (end + 31) / 32 * 32)
    }

    func testFloatTensorsReadThroughTheWeightSource() throws {
        let source = try WeightSources.open(try smolLM2GGUF())
        XCTAssertTrue(source is GGUFFile)
        let norm = try source.floats("output_norm.weight")
        XCTAssertEqual(norm.count, Self.hidden)
        XCTAssertTrue(norm.allSatisfy(\.isFinite))
        XCTAssertNotEqual(Set(norm).count, 1)
        XCTAssertThrowsError(try source.floats("blk.0.attn_q.weight")) {
            XCTAssertEqual(($0 as? WeightSourceError)?.problem, .notConvertible(dtype: .blocks(.q4_1), to: "Float"))
        }
        XCTAssertFalse(source.contains("model.layers.0.self_attn.q_proj.weight"))
    }

    /// The chat template the reference fixtures were made with (Tests/Fixtures/smollm2/tokenizer_parity.json).
    private func fixtureChatTemplate() throws -> String? {
        let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent("smollm2/tokenizer_parity.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["chat_template_source"] as? String
    }
}
