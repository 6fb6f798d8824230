import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Whole tokenizer.json files in the shapes of Llama 3 (Split regex, ByteLevel, ignore_merges,
/// a BOS template) and Qwen2 (NFC, Split regex, ByteLevel), trained by HF `tokenizers`
/// (scripts/dev/make_bpe_kind_fixtures.py): ids equal to `tokenizers`' on 307 texts.
final class BPEKindParityTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int]
        }
        let cases: [Case]
    }

    private func assertParity(kind: ByteLevelPreTokenizerKind) throws {
        let url = fixturesDirectory.appendingPathComponent("bpe_kinds/\(kind.rawValue).json")
        let data = try Data(contentsOf: url)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let file = try makeScratchFolder("loraf-bpe-kinds").appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: try XCTUnwrap(object["tokenizer"])).write(to: file)
        let tokenizer = try AutoTokenizer.load(tokenizerJSON: file)
        XCTAssertEqual((tokenizer as? ByteLevelBPETokenizer)?.preTokenizerKind, kind)
        let cases = try JSONDecoder().decode(Fixture.self, from: data).cases
        XCTAssertGreaterThan(cases.count, 300)
        var mismatches: [String] = []
        for item in cases {
            let ids = try tokenizer.encodeIds(item.text, addSpecialTokens: true)
            if ids != item.ids { mismatches.append("\(item.text.debugDescription): expected \(item.ids), got \(ids)") }
        }
        XCTAssert(mismatches.isEmpty, "\(kind): \(mismatches.count) of \(cases.count) differ; first:\n"
                  + mismatches.prefix(5).joined(separator: "\n"))
    }

    func testLlama3ShapedFile() throws {
        try assertParity(kind: .llama3)
    }

    func testQwen2ShapedFile() throws {
        try assertParity(kind: .qwen2)
    }
}
