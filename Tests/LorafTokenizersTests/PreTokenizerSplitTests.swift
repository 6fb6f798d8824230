import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// The hand-written pre-tokenizer scanners against HF `tokenizers`' Oniguruma regexes
/// (Tests/Fixtures/pretokenizer_splits.json, scripts/dev/make_pretokenizer_fixture.py):
/// 438 texts (edge cases and seeded random strings of several scripts), four kinds.
final class PreTokenizerSplitTests: XCTestCase {
    private struct SplitFile: Decodable {
        let texts: [String]
        let kinds: [String: [[String]]]
    }

    func testEveryKindSplitsLikeTheRegex() throws {
        let url = fixturesDirectory.appendingPathComponent("pretokenizer_splits.json")
        let file = try JSONDecoder().decode(SplitFile.self, from: Data(contentsOf: url))
        XCTAssertEqual(Set(file.kinds.keys), Set(ByteLevelPreTokenizerKind.allCases.map(\.rawValue)))
        for (name, expected) in file.kinds {
            let kind = try XCTUnwrap(ByteLevelPreTokenizerKind(rawValue: name))
            let preTokenizer = ByteLevelPreTokenizer(kind: kind, addPrefixSpace: false)
            var mismatches: [String] = []
            for (text, pieces) in zip(file.texts, expected) {
                let scalars = text.unicodeScalars.map(\.value)
                var ranges: [Range<Int>] = []
                preTokenizer.appendPieces(of: scalars, to: &ranges)
                let got = ranges.map { range in
                    String(String.UnicodeScalarView(scalars[range].compactMap(Unicode.Scalar.init)))
                }
                if got != pieces { mismatches.append("\(text.debugDescription): expected \(pieces), got \(got)") }
            }
            XCTAssert(mismatches.isEmpty, "\(name): \(mismatches.count) of \(file.texts.count) differ; first:\n"
                      + mismatches.prefix(5).joined(separator: "\n"))
        }
    }

    func testGGUFNamesMapToKinds() {
        XCTAssertEqual(ByteLevelPreTokenizerKind(ggufName: "smollm"), .smollm)
        XCTAssertEqual(ByteLevelPreTokenizerKind(ggufName: "llama-bpe"), .llama3)
        XCTAssertEqual(ByteLevelPreTokenizerKind(ggufName: "qwen2"), .qwen2)
        XCTAssertEqual(ByteLevelPreTokenizerKind(ggufName: "gpt-2"), .gpt2)
        XCTAssertNil(ByteLevelPreTokenizerKind(ggufName: "default"))
    }
}
