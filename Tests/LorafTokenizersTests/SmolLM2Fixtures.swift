import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// The SmolLM2 tokenizer fixtures (Tests/Fixtures/smollm2): the reference ids and the tokenizer.
enum SmolLM2Fixtures {
    static let folder = fixturesDirectory.appendingPathComponent("smollm2")

    static func parity() throws -> SmolLM2TokenizerParity { try SmolLM2TokenizerParity.load() }

    /// SmolLM2's tokenizer from tokenizer.json and tokenizer_config.json (the GGUF path is tested
    /// on the real file in LorafModelsTests/GGUFTokenizerTests).
    static func tokenizer() throws -> any Tokenizer {
        try AutoTokenizer.load(modelDirectory: folder)
    }

    /// Asserts ids equal to the fixture for every case and chat render, and decode(encode(t)) == t.
    static func assertParity(_ tokenizer: any Tokenizer, source: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try parity()
        XCTAssertEqual(fixture.cases.count, 317, file: file, line: line)
        var mismatches: [String] = []
        for (index, item) in (fixture.cases + fixture.chatTemplates).enumerated() {
            let ids = try tokenizer.encodeIds(item.text, addSpecialTokens: false)
            if ids != item.ids {
                mismatches.append("case \(index) \(item.text.prefix(60).debugDescription):\n  expected \(item.ids.prefix(40))\n  got      \(ids.prefix(40))")
            }
            let decoded = try tokenizer.decode(ids, skipSpecialTokens: false)
            if decoded != item.text {
                mismatches.append("case \(index): decode gives \(decoded.prefix(60).debugDescription)")
            }
        }
        XCTAssert(mismatches.isEmpty, "\(source): \(mismatches.count) differences; first:\n"
                  + mismatches.prefix(5).joined(separator: "\n"), file: file, line: line)
    }
}
