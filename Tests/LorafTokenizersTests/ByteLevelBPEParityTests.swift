import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// SmolLM2's byte-level BPE from tokenizer.json against the reference ids of transformers
/// (tokenizer_parity.json). The same from the GGUF file: LorafModelsTests/GGUFTokenizerTests.
final class ByteLevelBPEParityTests: XCTestCase {
    func testTokenizerJSONGivesTheReferenceIds() throws {
        let tokenizer = try AutoTokenizer.load(modelDirectory: SmolLM2Fixtures.folder)
        let bpe = try XCTUnwrap(tokenizer as? ByteLevelBPETokenizer)
        XCTAssertEqual(bpe.preTokenizerKind, .gpt2)
        XCTAssertEqual(tokenizer.vocabSize, 49152)
        XCTAssertEqual(tokenizer.bosTokenId, 1)
        XCTAssertEqual(tokenizer.eosTokenId, 2)
        XCTAssertEqual(tokenizer.padTokenId, 2)
        XCTAssertEqual(tokenizer.unknownTokenId, 0)
        try SmolLM2Fixtures.assertParity(tokenizer, source: "tokenizer.json")
    }

    func testSpecialTokensAreMatchedWholeAndSkippedWhenDecoding() throws {
        let tokenizer = try SmolLM2Fixtures.tokenizer()
        let ids = try tokenizer.encodeIds("<|im_start|>user\nhi<|im_end|>", addSpecialTokens: true)
        XCTAssertEqual(ids, [1, 4093, 198, 6004, 2], "SmolLM2's template adds nothing")
        XCTAssertTrue(tokenizer.isSpecial(1))
        XCTAssertFalse(tokenizer.isSpecial(4093))
        XCTAssertEqual(try tokenizer.decode(ids, skipSpecialTokens: true), "user\nhi")
        XCTAssertEqual(tokenizer.token(for: 216), "Ġ")
        XCTAssertEqual(tokenizer.id(for: "<|im_end|>"), 2)
    }

    func testInvalidUTF8DecodesToReplacementCharacters() throws {
        let tokenizer = try SmolLM2Fixtures.tokenizer()
        // "😀" is F0 9F 98 80; its byte tokens alone, cut or out of order, are not valid UTF-8.
        let bytes = ["ð", "Ł", "ĺ", "Ģ"].map { tokenizer.id(for: $0)! }
        XCTAssertEqual(try tokenizer.decode(bytes, skipSpecialTokens: true), "😀")
        XCTAssertEqual(try tokenizer.decode(Array(bytes.prefix(2)), skipSpecialTokens: true), "\u{FFFD}")
        XCTAssertEqual(try tokenizer.decode([bytes[3], bytes[0]], skipSpecialTokens: true), "\u{FFFD}\u{FFFD}")
        XCTAssertThrowsError(try tokenizer.decode([49152], skipSpecialTokens: true))
    }
}
