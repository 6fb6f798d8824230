import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafTensor
@testable import LorafModels

/// Tiny random Llama (GQA, llama3 rope scaling, own lm_head) and Qwen2 (q/k/v biases, tied embeddings) decoders
/// saved by transformers, against its logits (Tests/Fixtures/tiny_decoders, scripts/make_tiny_decoder_fixtures.py).
final class DecoderParityTests: XCTestCase {
    let folder = fixturesDirectory.appendingPathComponent("tiny_decoders")

    func checkLogits(_ name: String) throws {
        let model = try ModelLoader.load(folder.appendingPathComponent(name), task: .causalLM)
        let fixture = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("\(name)_logits.safetensors"))
        let mask = try fixture.intTensor("attention_mask")
        let input = try ModelInput(inputIds: fixture.intTensor("input_ids"), attentionMask: mask)
        let logits = try XCTUnwrap(GradMode.disabled { try model.forward(input, model.makeContext()) }.logits)
        let expected = try fixture.tensor("logits")
        XCTAssertEqual(logits.shape, expected.shape)
        let vocab = expected.shape[2]
        XCTAssertLessThan(maxAbsDifference(logits.scalars, expected.scalars) { mask.scalars[$0 / vocab] == 1 }, 1e-4, name)
    }

    func testLlamaLogitsMatchTransformers() throws { try checkLogits("llama") }
    func testQwen2LogitsMatchTransformers() throws { try checkLogits("qwen2") }

    func testTiedEmbeddingsShareOneTensor() throws {
        let model = try ModelLoader.load(folder.appendingPathComponent("qwen2"), task: .causalLM)
        let table = try XCTUnwrap(model.module(at: "model.embed_tokens")?.parameterIfPresent("weight"))
        XCTAssert(try XCTUnwrap(model.module(at: "lm_head")?.parameterIfPresent("weight")) === table)
    }

    /// Prefill then one token at a time through the key/value cache gives the logits of one full pass, for a
    /// left-padded batch (positions counted from each row's first real token).
    func testCachedDecodingEqualsFullPass() throws {
        let model = try ModelLoader.load(folder.appendingPathComponent("llama"), task: .causalLM)
        let ids = [[0, 0, 5, 9, 13, 22, 7], [4, 8, 15, 16, 23, 42, 3]]
        let mask = [[0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]]
        func tensor(_ rows: [[Int]], _ range: Range<Int>) throws -> IntTensor {
            try IntTensor(shape: [rows.count, range.count], scalars: rows.flatMap { $0[range] })
        }
        let full = try GradMode.disabled { try model.forward(ModelInput(inputIds: tensor(ids, 0..<7), attentionMask: tensor(mask, 0..<7)), model.makeContext()) }
        let cache = KeyValueCache()
        var pieces: [Tensor] = []
        for range in [0..<4, 4..<5, 5..<6, 6..<7] {
            let step = try ModelInput(inputIds: tensor(ids, range), attentionMask: tensor(mask, range), cache: cache)
            pieces.append(try XCTUnwrap(GradMode.disabled { try model.forward(step, model.makeContext()) }.logits))
        }
        XCTAssertEqual(cache.length, 7)
        let incremental = try Tensor.concat(pieces, axis: 1)
        let fullLogits = try XCTUnwrap(full.logits)
        let vocab = fullLogits.shape[2]
        let real = mask.flatMap { $0 }
        XCTAssertLessThan(maxAbsDifference(incremental.scalars, fullLogits.scalars) { real[$0 / vocab] == 1 }, 1e-5)
        // Row 0 alone, unpadded, gives the same logits at its real positions.
        let alone = try GradMode.disabled { try model.forward(ModelInput(inputIds: IntTensor(shape: [1, 5], scalars: Array(ids[0][2...]))), model.makeContext()) }
        let row0 = Array(fullLogits.scalars[(2 * vocab)..<(7 * vocab)])
        XCTAssertLessThan(maxAbsDifference(row0, try XCTUnwrap(alone.logits).scalars), 1e-5)
    }

    /// The cache's buffers grow (capacity doubles, keeping every cached slot of both sequences and key/value heads) and
    /// decoding past the growth still gives the full pass's logits.
    func testCacheGrowthKeepsEveryCachedSlot() throws {
        let model = try ModelLoader.load(folder.appendingPathComponent("llama"), task: .causalLM)
        let length = 70, vocab = 40
        let ids = (0..<2).map { row in (0..<length).map { ($0 * 7 + row * 13 + 3) % vocab } }
        let mask = [[0, 0, 0] + [Int](repeating: 1, count: length - 3), [Int](repeating: 1, count: length)]
        func tensor(_ rows: [[Int]], _ range: Range<Int>) throws -> IntTensor {
            try IntTensor(shape: [rows.count, range.count], scalars: rows.flatMap { $0[range] })
        }
        let full = try XCTUnwrap(GradMode.disabled {
            try model.forward(ModelInput(inputIds: tensor(ids, 0..<length), attentionMask: tensor(mask, 0..<length)), model.makeContext())
        }.logits)
        let cache = KeyValueCache()
        var pieces: [Tensor] = []
        for range in [0..<66] + (66..<length).map({ $0..<($0 + 1) }) {
            let step = try ModelInput(inputIds: tensor(ids, range), attentionMask: tensor(mask, range), cache: cache)
            pieces.append(try XCTUnwrap(GradMode.disabled { try model.forward(step, model.makeContext()) }.logits))
        }
        XCTAssertEqual(cache.length, length)
        let incremental = try Tensor.concat(pieces, axis: 1), width = full.shape[2]
        let real = mask.flatMap { $0 }
        XCTAssertLessThan(maxAbsDifference(incremental.scalars, full.scalars) { real[$0 / width] == 1 }, 1e-5)
    }

    /// `logitPositions` picks the same logits from the packed pass and from the padded pass with a cache, and a
    /// padding slot (not computed without a cache) is a clear error.
    func testLogitPositionsWithAndWithoutACache() throws {
        let model = try ModelLoader.load(folder.appendingPathComponent("llama"), task: .causalLM)
        let ids = try IntTensor(shape: [2, 4], scalars: [0, 5, 9, 13, 4, 8, 15, 16])
        let mask = try IntTensor(shape: [2, 4], scalars: [0, 1, 1, 1, 1, 1, 1, 1])
        func logits(_ positions: [Int], cache: KeyValueCache?) throws -> Tensor {
            var input = try ModelInput(inputIds: ids, attentionMask: mask, cache: cache)
            input.logitPositions = positions
            let output = try GradMode.disabled { try model.forward(input, model.makeContext()) }
            return output.logits ?? Tensor(zeros: [0])
        }
        let packed = try logits([3, 5, 1], cache: nil), cached = try logits([3, 5, 1], cache: KeyValueCache())
        XCTAssertEqual(packed.shape, [3, cached.shape[1]])
        XCTAssertLessThan(maxAbsDifference(packed.scalars, cached.scalars), 1e-5)
        XCTAssertThrowsError(try logits([0], cache: nil)) { error in XCTAssert("\(error)".contains("padding slot"), "\(error)") }
        XCTAssertThrowsError(try logits([8], cache: nil)) { error in XCTAssert("\(error)".contains("outside 0..<8"), "\(error)") }
    }

    func testGGUFNameTableRoundTrips() {
        XCTAssertEqual(GGUFLlamaNames.huggingFaceName("blk.12.attn_q.weight"), "model.layers.12.self_attn.q_proj.weight")
        XCTAssertEqual(GGUFLlamaNames.huggingFaceName("token_embd.weight"), "model.embed_tokens.weight")
        XCTAssertEqual(GGUFLlamaNames.ggufName("model.layers.3.mlp.down_proj.weight"), "blk.3.ffn_down.weight")
        XCTAssertNil(GGUFLlamaNames.huggingFaceName("blk.x.attn_q.weight"))
        XCTAssertNil(GGUFLlamaNames.huggingFaceName("blk..attn_q.weight"))
        // Row h·d + i·d/2 + j of Hugging Face is row h·d + 2j + i of the file.
        XCTAssertEqual(GGUFLlamaNames.ropeRowPermutation(heads: 1, headDim: 4), [0, 2, 1, 3])
        XCTAssertEqual(GGUFLlamaNames.ropeRowPermutation(heads: 2, headDim: 4), [0, 2, 1, 3, 4, 6, 5, 7])
    }

    func testUnsupportedModelTypeListsTheSupportedOnes() throws {
        let dir = try makeScratchFolder("unsupported")
        try #"{"model_type": "gpt2"}"#.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelLoader.load(dir, task: .causalLM)) {
            XCTAssert("\($0)".contains("model_type 'gpt2' is not supported (supported: bert, llama, mistral, qwen2)"), "\($0)")
        }
    }
}
