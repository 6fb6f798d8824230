import XCTest
@testable import LorafTokenizers

/// Character classes where today's Unicode and HF `tokenizers` (Unicode 8.0 tables) part ways.
/// Every expectation here was observed with `tokenizers` 0.23; during development all 1,112,064
/// scalars were compared this way (control, white space, punctuation, accent stripping, lower case).
final class BertCharacterClassesTests: XCTestCase {
    func testControlCharactersUseUnicode8Categories() {
        XCTAssertTrue(BertCharacterClasses.isControl(0x0600))     // ARABIC NUMBER SIGN, Cf since 6.1
        XCTAssertFalse(BertCharacterClasses.isControl(0x08E2))    // Cf, new in 9.0: kept by HF
        XCTAssertTrue(BertCharacterClasses.isControl(0xE001))     // private use
        XCTAssertTrue(BertCharacterClasses.isControl(0xF0000))    // supplementary private use
        XCTAssertFalse(BertCharacterClasses.isControl(0x0378))    // unassigned: kept by HF
        XCTAssertTrue(BertCharacterClasses.isControl(0x0085))     // NEL is Cc before it is white space
        XCTAssertFalse(BertCharacterClasses.isControl(0x09))
        XCTAssertTrue(BertCharacterClasses.isWhitespace(0x2028))
        XCTAssertFalse(BertCharacterClasses.isWhitespace(0x1C))
    }

    func testCategoriesChangedAfterUnicode8() {
        XCTAssertTrue(BertCharacterClasses.isPunctuation(0x166D))
        XCTAssertTrue(BertCharacterClasses.isPunctuation(0x111C9))
        XCTAssertFalse(BertCharacterClasses.isNonspacingMark(0x111C9))
        XCTAssertTrue(BertCharacterClasses.isNonspacingMark(0x1734))
        XCTAssertTrue(BertCharacterClasses.isNonspacingMark(0x1171E))
        XCTAssertFalse(BertCharacterClasses.isNonspacingMark(0x1885))
        XCTAssertFalse(BertCharacterClasses.isNonspacingMark(0xA9BD))
        XCTAssertTrue(BertCharacterClasses.isNonspacingMark(0x1DF5))  // 7.0
        XCTAssertFalse(BertCharacterClasses.isNonspacingMark(0x1DF6)) // 10.0
        XCTAssertTrue(BertCharacterClasses.isPunctuation(UInt32(UInt8(ascii: "$"))))
        XCTAssertFalse(BertCharacterClasses.isPunctuation(0x00A3))    // POUND SIGN is a symbol
    }

    func testAccentStrippingDecomposesOnlyUnicode8Scalars() {
        let normalizer = BertNormalizer(options: BertNormalizerOptions(cleanText: false, handleChineseCharacters: false,
                                                                       stripAccents: true, lowercase: false))
        func normalize(_ values: [UInt32]) -> [UInt32] {
            var output: [UInt32] = [], origins: [Int32] = []
            normalizer.normalize(values[...], firstOrigin: 0, into: &output, origins: &origins)
            return output
        }
        XCTAssertEqual(normalize([0xE9]), [0x65])                // é -> e
        XCTAssertEqual(normalize([0xF983]), [0x65C5])            // CJK compatibility ideograph
        XCTAssertEqual(normalize([0x11938]), [0x11938])          // decomposable, but new in 13.0
        XCTAssertEqual(normalize([0xAC00]), [0x1100, 0x1161])    // Hangul syllable -> jamo
    }

    func testCanonicalOrderingMovesOrigins() {
        var scalars: [UInt32] = [0x61, 0x0301, 0x0323, 0x62]     // ccc 230 then 220
        var origins: [Int32] = [0, 1, 2, 3]
        CanonicalDecomposition.applyCanonicalOrdering(&scalars, origins: &origins)
        XCTAssertEqual(scalars, [0x61, 0x0323, 0x0301, 0x62])
        XCTAssertEqual(origins, [0, 2, 1, 3])
    }
}
