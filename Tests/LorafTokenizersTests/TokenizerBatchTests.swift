import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Rectangular batches: right padding with the pad id, masks and token types, row-major
/// (the pair batch's expected values come from HF `tokenizers` 0.23 with the same settings).
final class TokenizerBatchTests: XCTestCase {
    func testLongestPaddingIsRowMajorWithMasks() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        let texts = ["hello world", "a much longer sentence than the first", ""]
        let batch = try tokenizer.encodeBatch(texts)
        let singles = try texts.map { try tokenizer.encode($0) }
        let length = singles.map(\.count).max()!
        XCTAssertEqual(batch.batchSize, 3)
        XCTAssertEqual(batch.sequenceLength, length)
        XCTAssertEqual(batch.inputIds.count, 3 * length)
        for (row, single) in singles.enumerated() {
            let ids = batch.inputIds[(row * length)..<((row + 1) * length)]
            let mask = batch.attentionMask[(row * length)..<((row + 1) * length)]
            XCTAssertEqual(Array(ids), single.ids.map(Int32.init) + Array(repeating: 0, count: length - single.count))
            XCTAssertEqual(Array(mask), Array(repeating: 1, count: single.count)
                           + Array(repeating: 0, count: length - single.count))
        }
        XCTAssertEqual(batch.encodings[2].tokens, ["[CLS]", "[SEP]"] + Array(repeating: "[PAD]", count: length - 2))
    }

    func testMaxLengthPaddingAndPairs() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        let batch = try tokenizer.encodeBatch(["one two three four five six", "hi"], pairs: ["seven eight", "there"],
                                              maxLength: 8, padding: .maxLength)
        XCTAssertEqual(batch.sequenceLength, 8)
        XCTAssertEqual(batch.inputIds, [101, 2028, 2048, 2093, 102, 2698, 2809, 102,
                                        101, 7632, 102, 2045, 102, 0, 0, 0])
        XCTAssertEqual(batch.tokenTypeIds, [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0])
        XCTAssertEqual(batch.attentionMask, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        let fileLength = try tokenizer.encodeBatch(["hi"], padding: .maxLength)
        XCTAssertEqual(fileLength.sequenceLength, 128)
    }

    func testBadBatchArgumentsThrow() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        XCTAssertThrowsError(try tokenizer.encodeBatch(["a", "b"], pairs: ["c"])) { error in
            XCTAssertEqual(error as? TokenizerError,
                           .invalidArgument(name: "pairs", reason: "has 1 texts but 'texts' has 2"))
        }
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        try SyntheticTokenizerFile.write(to: folder)
        let synthetic = try WordPieceTokenizer(modelDirectory: folder)
        XCTAssertThrowsError(try synthetic.encodeBatch(["a"], padding: .maxLength))
        let empty = try tokenizer.encodeBatch([])
        XCTAssertEqual(empty.batchSize, 0)
        XCTAssertEqual(empty.inputIds, [])
    }
}
