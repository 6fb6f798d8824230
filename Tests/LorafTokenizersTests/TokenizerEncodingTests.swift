import XCTest
@testable import LorafTokenizers

/// Pairs, token types, offsets, special tokens written in the text and odd inputs, with the
/// all-MiniLM-L6-v2 vocabulary. Expected ids come from HF `tokenizers` 0.23 on the same file.
final class TokenizerEncodingTests: XCTestCase {
    private var tokenizer: WordPieceTokenizer!

    override func setUpWithError() throws {
        tokenizer = try TokenizerTestSupport.loadTokenizer()
        tokenizer.truncation = nil
    }

    func testPairHasTokenTypesAndOneMask() throws {
        let encoding = try tokenizer.encode("hello world", pair: "how are you")
        XCTAssertEqual(encoding.ids, [101, 7592, 2088, 102, 2129, 2024, 2017, 102])
        XCTAssertEqual(encoding.tokenTypeIds, [0, 0, 0, 0, 1, 1, 1, 1])
        XCTAssertEqual(encoding.attentionMask, Array(repeating: 1, count: 8))
        XCTAssertEqual(encoding.sequenceIds, [nil, 0, 0, nil, 1, 1, 1, nil])
        XCTAssertEqual(encoding.offsets, [0..<0, 0..<5, 6..<11, 0..<0, 0..<3, 4..<7, 8..<11, 0..<0])
    }

    func testWithoutSpecialTokens() throws {
        let single = try tokenizer.encode("Hello, World!", addSpecialTokens: false)
        XCTAssertEqual(single.ids, [7592, 1010, 2088, 999])
        let pair = try tokenizer.encode("hello world", pair: "how are you", addSpecialTokens: false)
        XCTAssertEqual(pair.ids, [7592, 2088, 2129, 2024, 2017])
        XCTAssertEqual(pair.tokenTypeIds, [0, 0, 1, 1, 1])
    }

    func testOffsetsAreScalarIndicesIntoTheText() throws {
        let text = "naïve café — déjà vu 日本"
        let encoding = try tokenizer.encode(text)
        XCTAssertEqual(encoding.tokens, ["[CLS]", "naive", "cafe", "—", "de", "##ja", "vu", "日", "本", "[SEP]"])
        XCTAssertEqual(encoding.offsets,
                       [0..<0, 0..<5, 6..<10, 11..<12, 13..<15, 15..<17, 18..<20, 21..<22, 22..<23, 0..<0])
        let scalars = Array(text.unicodeScalars)
        XCTAssertEqual(String(String.UnicodeScalarView(scalars[encoding.offsets[4]])), "dé")
    }

    func testSpecialTokensWrittenInTheTextAreKept() throws {
        XCTAssertEqual(try tokenizer.encode("[MASK] hello[CLS]x").ids, [101, 103, 7592, 101, 1060, 102])
        XCTAssertEqual(try tokenizer.encode("[mask]").ids, [101, 1031, 7308, 1033, 102])
    }

    func testOddInputs() throws {
        XCTAssertEqual(try tokenizer.encode("").ids, [101, 102])
        XCTAssertEqual(try tokenizer.encode("   \t\n ").ids, [101, 102])
        XCTAssertEqual(try tokenizer.encode("a\tb\u{00A0}c").ids, [101, 1037, 1038, 1039, 102])
        XCTAssertEqual(try tokenizer.encode("a\u{0000}b\u{FFFD}c").ids, [101, 5925, 102])
        XCTAssertEqual(try tokenizer.encode("emoji 😀 test").ids, [101, 7861, 29147, 2072, 100, 3231, 102])
        XCTAssertEqual(try tokenizer.encode("\u{0301}\u{0301}").ids, [101, 102])
        XCTAssertEqual(try tokenizer.encode("İ Ω ẞ").ids, [101, 1045, 1179, 1096, 102])
    }

    func testWordLengthLimitCountsScalars() throws {
        let unk = tokenizer.specialTokenIds.unk
        XCTAssertFalse(try tokenizer.encode(String(repeating: "x", count: 100)).ids.contains(unk))
        XCTAssertEqual(try tokenizer.encode(String(repeating: "x", count: 101)).ids, [101, unk, 102])
        XCTAssertEqual(try tokenizer.encode(String(repeating: "é", count: 101)).ids, [101, unk, 102])
        XCTAssertEqual(try tokenizer.encode(String(repeating: "x", count: 300) + " ok").ids, [101, unk, 7929, 102])
    }

    /// HF's category tables are Unicode 8.0: U+2E42 (8.0) is punctuation, U+2E43 (9.0) is not,
    /// and U+111C9 keeps its 8.0 category (punctuation) although it is a mark today.
    func testPunctuationFollowsUnicode8Categories() throws {
        XCTAssertEqual(try tokenizer.encode("a\u{2E42}b").count, 5)
        XCTAssertEqual(try tokenizer.encode("a\u{2E43}b").count, 3)
        XCTAssertEqual(try tokenizer.encode("a\u{111C9}b").count, 5)
    }
}
