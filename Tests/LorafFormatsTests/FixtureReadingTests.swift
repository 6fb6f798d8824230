import XCTest
import LorafTestSupport
@testable import LorafFormats

/// Files written by the Python reference stack (see Tests/Fixtures/README.md).
final class FixtureReadingTests: XCTestCase {
    func testMiniLMHiddenStateFixture() throws {
        let file = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("minilm_hidden.safetensors"))
        XCTAssertEqual(Set(file.entries.map(\.name)), ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"])
        let ids = try file.integers("input_ids")
        let mask = try file.integers("attention_mask")
        XCTAssertEqual(try file.entry("input_ids").shape, [8, 12])
        XCTAssertEqual(try file.entry("input_ids").dtype, .i64)
        XCTAssertEqual(ids.count, 96)
        // Every row is [CLS] ... [SEP] (ids 101 and 102 in the BERT vocabulary) then padding 0.
        for row in 0..<8 {
            let tokens = Array(ids[(row * 12)..<(row * 12 + 12)])
            let used = mask[(row * 12)..<(row * 12 + 12)].reduce(0, +)
            XCTAssertEqual(tokens.first, 101)
            XCTAssertEqual(tokens[used - 1], 102)
            XCTAssertTrue(tokens[used...].allSatisfy { $0 == 0 })
        }
        XCTAssertEqual(try file.integers("token_type_ids"), Array(repeating: 0, count: 96))
        let hidden = try file.entry("last_hidden_state")
        XCTAssertEqual(hidden.shape, [8, 12, 384])
        XCTAssertEqual(hidden.dtype, .f32)
        let values = try file.floats("last_hidden_state")
        XCTAssertEqual(values.count, 8 * 12 * 384)
        XCTAssertTrue(values.allSatisfy(\.isFinite))
        try file.withFloat32Buffer(of: "last_hidden_state") { XCTAssertEqual(Array($0), values) }
    }

    func testPEFTAdapterFixture() throws {
        let file = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("peft_lora_seqcls/adapter_model.safetensors"))
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.entries.count, 6 * 2 * 2 + 2)
        let prefix = "base_model.model.bert.encoder.layer."
        for layer in 0..<6 {
            for projection in ["query", "value"] {
                let stem = "\(prefix)\(layer).attention.self.\(projection)"
                XCTAssertEqual(try file.entry("\(stem).lora_A.weight").shape, [8, 384])
                XCTAssertEqual(try file.entry("\(stem).lora_B.weight").shape, [384, 8])
            }
        }
        XCTAssertEqual(try file.entry("base_model.model.classifier.weight").shape, [2, 384])
        XCTAssertEqual(try file.entry("base_model.model.classifier.bias").shape, [2])
        XCTAssertTrue(try file.floats("\(prefix)0.attention.self.query.lora_B.weight").contains { $0 != 0 })
    }

    func testRealModelCheckpoint() throws {
        let url = try miniLMDirectory().appendingPathComponent("model.safetensors")
        let file = try SafeTensorsFile(contentsOf: url)
        let embeddings = try file.entry("embeddings.word_embeddings.weight")
        XCTAssertEqual(embeddings.dtype, .f32)
        XCTAssertEqual(embeddings.shape, [30522, 384])
        XCTAssertEqual(try file.integers("embeddings.position_ids"), Array(0..<512))
        XCTAssertEqual(try file.entry("encoder.layer.5.attention.self.query.weight").shape, [384, 384])
        let total = file.entries.reduce(0) { $0 + $1.byteCount }
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        XCTAssertEqual(file.dataAreaOffset + total, size)
        try file.withFloat32Buffer(of: "embeddings.word_embeddings.weight") { buffer in
            XCTAssertEqual(buffer.count, 30522 * 384)
            XCTAssertTrue(buffer.allSatisfy(\.isFinite))
        }
    }
}
