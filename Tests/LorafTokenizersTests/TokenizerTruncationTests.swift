import XCTest
@testable import LorafTokenizers

/// Truncation of single texts and pairs (expected pair splits from HF `tokenizers` 0.23).
final class TokenizerTruncationTests: XCTestCase {
    private let long = "one two three four five six seven eight nine"

    func testSingleTextKeepsClsAndSep() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        let full = try tokenizer.encode(long, maxLength: 512)
        let cut = try tokenizer.encode(long, maxLength: 6)
        XCTAssertEqual(cut.ids, Array(full.ids.prefix(5)) + [102])
        XCTAssertEqual(cut.count, 6)
        XCTAssertEqual(try tokenizer.encode(long, maxLength: 2).ids, [101, 102])
    }

    func testFileTruncationAppliesByDefault() throws {
        var tokenizer = try TokenizerTestSupport.loadTokenizer()
        let text = Array(repeating: "word", count: 300).joined(separator: " ")
        let cut = try tokenizer.encode(text)
        XCTAssertEqual(cut.count, 128)
        XCTAssertEqual(cut.ids.last, 102)
        tokenizer.truncation = nil
        XCTAssertEqual(try tokenizer.encode(text).count, 302)
    }

    func testPairLongestFirstMatchesReference() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        let both = try tokenizer.encode(long, pair: "alpha beta gamma", maxLength: 8)
        XCTAssertEqual(both.ids, [101, 2028, 2048, 2093, 102, 6541, 8247, 102])
        XCTAssertEqual(both.tokenTypeIds, [0, 0, 0, 0, 0, 1, 1, 1])
        XCTAssertEqual(try tokenizer.encode("one two", pair: "alpha beta gamma delta epsilon", maxLength: 8).tokens,
                       ["[CLS]", "one", "two", "[SEP]", "alpha", "beta", "gamma", "[SEP]"])
        XCTAssertEqual(try tokenizer.encode("a b c d e f g", pair: "x", maxLength: 6).tokens,
                       ["[CLS]", "a", "b", "[SEP]", "x", "[SEP]"])
        XCTAssertEqual(try tokenizer.encode("a b", pair: "x y", maxLength: 3).tokens, ["[CLS]", "[SEP]", "[SEP]"])
    }

    func testOnlySecondAndLeftDirection() throws {
        var tokenizer = try TokenizerTestSupport.loadTokenizer()
        tokenizer.truncation = TruncationSettings(maxLength: 7, strategy: .onlySecond, direction: .left)
        XCTAssertEqual(try tokenizer.encode("a b", pair: "v w x y z").tokens,
                       ["[CLS]", "a", "b", "[SEP]", "y", "z", "[SEP]"])
        XCTAssertThrowsError(try tokenizer.encode("a b c d e f", pair: "z"))
    }

    func testTooSmallMaxLengthThrows() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        XCTAssertThrowsError(try tokenizer.encode("a b", maxLength: 1)) { error in
            XCTAssertEqual(error as? TokenizerError, .invalidArgument(
                name: "maxLength", reason: "1 is less than the 2 special tokens to add"))
        }
        XCTAssertThrowsError(try tokenizer.encode("a b", maxLength: 0))
        XCTAssertEqual(try tokenizer.encode("a b", addSpecialTokens: false, maxLength: 1).ids, [1037])
    }
}
