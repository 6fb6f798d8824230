import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Decoding: expected strings from HF `tokenizers` 0.23 (WordPiece decoder with cleanup).
final class TokenizerDecodeTests: XCTestCase {
    func testDecodeMatchesReference() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        let ids = try tokenizer.encode("Hello, World! don't stop-believing... it's unaffable").ids
        XCTAssertEqual(try tokenizer.decode(ids), "hello, world! don ' t stop - believing... it ' s unaffable")
        XCTAssertEqual(try tokenizer.decode(try tokenizer.encode("naïve café — déjà vu 日本").ids),
                       "naive cafe — deja vu 日 本")
        XCTAssertEqual(try tokenizer.decode([101, 7592, 100, 102, 0]), "hello")
        XCTAssertEqual(try tokenizer.decode([101, 7592, 100, 102, 0], skipSpecialTokens: false),
                       "[CLS] hello [UNK] [SEP] [PAD]")
        XCTAssertEqual(try tokenizer.decode([]), "")
    }

    /// Decoding then encoding again gives the same ids for every SST-2 dev sentence.
    func testRoundTripOnSST2Dev() throws {
        var tokenizer = try TokenizerTestSupport.loadTokenizer()
        tokenizer.truncation = nil
        let url = repositoryRoot.appendingPathComponent("data/sst2/dev.txt")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 800)
        for line in lines {
            let text = String(line.drop { $0 != " " }.dropFirst())
            let ids = try tokenizer.encode(text).ids
            XCTAssertEqual(try tokenizer.encode(try tokenizer.decode(ids)).ids, ids, text)
        }
    }

    func testUnknownIdThrowsWithPosition() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        XCTAssertThrowsError(try tokenizer.decode([101, 30522])) { error in
            XCTAssertEqual(error as? TokenizerError, .invalidArgument(
                name: "ids", reason: "id 30522 at position 1 is outside 0..<30522"))
        }
        XCTAssertThrowsError(try tokenizer.decode([-1]))
    }
}
