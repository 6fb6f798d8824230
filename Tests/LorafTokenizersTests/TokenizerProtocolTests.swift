import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// The `Tokenizer` protocol over WordPiece, and `AutoTokenizer` choosing the kind from the file.
final class TokenizerProtocolTests: XCTestCase {
    func testBertTokenizerJSONLoadsThroughTheSameEntryPoint() throws {
        let tokenizer = try AutoTokenizer.load(modelDirectory: miniLMDirectory())
        let wordPiece = try XCTUnwrap(tokenizer as? WordPieceTokenizer)
        let direct = try TokenizerTestSupport.loadTokenizer()
        XCTAssertEqual(try tokenizer.encodeIds("Hello, World!"), [101, 7592, 1010, 2088, 999, 102])
        XCTAssertEqual(try tokenizer.encodeIds("Hello, World!", addSpecialTokens: false), [7592, 1010, 2088, 999])
        XCTAssertEqual(try tokenizer.decode([101, 7592, 102], skipSpecialTokens: true), "hello")
        XCTAssertEqual(try tokenizer.decode([101, 7592, 102], skipSpecialTokens: false), "[CLS] hello [SEP]")
        XCTAssertEqual(wordPiece.vocabSize, direct.vocabSize)
        XCTAssertNil(tokenizer.bosTokenId)
        XCTAssertNil(tokenizer.eosTokenId)
        XCTAssertEqual(tokenizer.padTokenId, 0)
        XCTAssertEqual(tokenizer.unknownTokenId, 100)
        XCTAssertTrue(tokenizer.isSpecial(101))
        let json = try AutoTokenizer.load(tokenizerJSON: miniLMDirectory().appendingPathComponent("tokenizer.json"))
        XCTAssertTrue(json is WordPieceTokenizer)
    }

    func testFolderWithOnlyVocabularyTextIsWordPiece() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        try Data((SyntheticTokenizerFile.vocabulary.joined(separator: "\n") + "\n").utf8)
            .write(to: folder.appendingPathComponent("vocab.txt"))
        let tokenizer = try AutoTokenizer.load(modelDirectory: folder)
        XCTAssertEqual(try tokenizer.encodeIds("unaffable", addSpecialTokens: false), [5, 6, 7])
    }
}
