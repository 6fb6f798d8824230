import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Ids must equal the reference (HF `tokenizers` with the model's tokenizer.json) for every case
/// of Tests/Fixtures/tokenizer_parity.json.
final class TokenizerParityTests: XCTestCase {
    private struct ParityFile: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int]
        }
        let cases: [Case]
    }

    private func loadCases() throws -> [ParityFile.Case] {
        let url = fixturesDirectory.appendingPathComponent("tokenizer_parity.json")
        let cases = try JSONDecoder().decode(ParityFile.self, from: Data(contentsOf: url)).cases
        XCTAssertGreaterThan(cases.count, 1000, "the fixture should hold the SST-2 dev and TREC test sentences")
        return cases
    }

    /// Checks every case and reports the first mismatches with both id lists.
    private func assertParity(_ tokenizer: WordPieceTokenizer, source: String) throws {
        var mismatches: [String] = []
        let cases = try loadCases()
        for (index, item) in cases.enumerated() {
            let ids = try tokenizer.encode(item.text).ids
            if ids != item.ids {
                mismatches.append("case \(index) \(item.text.debugDescription):\n  expected \(item.ids)\n  got      \(ids)")
            }
        }
        XCTAssert(mismatches.isEmpty, "\(source): \(mismatches.count) of \(cases.count) cases differ; first:\n"
                  + mismatches.prefix(5).joined(separator: "\n"))
    }

    func testEveryFixtureCaseMatchesFromTokenizerJSON() throws {
        var tokenizer = try TokenizerTestSupport.loadTokenizer()
        tokenizer.truncation = nil
        try assertParity(tokenizer, source: "tokenizer.json")
    }

    func testEveryFixtureCaseMatchesFromVocabularyText() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        for name in ["vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: miniLMDirectory().appendingPathComponent(name),
                                             to: folder.appendingPathComponent(name))
        }
        let tokenizer = try WordPieceTokenizer(modelDirectory: folder)
        XCTAssertNil(tokenizer.truncation)
        try assertParity(tokenizer, source: "vocab.txt")
    }
}
