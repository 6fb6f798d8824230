import XCTest
import LorafTensor
@testable import LorafTraining

final class PackingAndBatchTests: XCTestCase {
    func example(_ ids: [Int], _ labels: [Int], line: Int) -> TokenizedInstruction {
        TokenizedInstruction(ids: ids, labels: labels, source: SourceLocation(file: "d.jsonl", line: line))
    }

    func testPackingKeepsExamplesApartWithSegmentsAndRestartingPositions() throws {
        let a = example([1, 2, 3], [-100, 2, 3], line: 1)
        let b = example([4, 5], [4, 5], line: 2)
        let c = example([6, 7, 8, 9], [-100, -100, 8, 9], line: 3)
        let rows = try SequencePacker.pack([a, b, c], maxLength: 6)
        XCTAssertEqual(rows.count, 2, "c does not fit after a and b")
        XCTAssertEqual(rows[0].ids, [1, 2, 3, 4, 5])
        XCTAssertEqual(rows[0].labels, [-100, 2, 3, -100, 5], "b's first token is not predicted from a")
        XCTAssertEqual(rows[0].positionIds, [0, 1, 2, 0, 1])
        XCTAssertEqual(rows[0].segmentIds, [1, 1, 1, 2, 2])
        XCTAssertEqual(rows[0].sources.map(\.line), [1, 2])
        XCTAssertEqual(rows[1], PackedSequence(c))
        XCTAssertThrowsMessage(try SequencePacker.pack([c], maxLength: 3),
                               "invalid dataset option: d.jsonl:3: example of 4 tokens is longer than packing max_length 3")
    }

    func testBatchIsRightPaddedWithIgnoredLabels() throws {
        let rows = try SequencePacker.pack([example([1, 2, 3], [-100, 2, 3], line: 1), example([4, 5], [4, 5], line: 2)], maxLength: 5)
            + [PackedSequence(example([7], [7], line: 3))]
        let batch = try CausalLMBatch(rows: rows, padTokenId: 0)
        XCTAssertEqual(batch.inputIds, try IntTensor(shape: [2, 5], scalars: [1, 2, 3, 4, 5, 7, 0, 0, 0, 0]))
        XCTAssertEqual(batch.attentionMask.scalars, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
        XCTAssertEqual(batch.labels.scalars, [-100, 2, 3, -100, 5, 7, -100, -100, -100, -100])
        XCTAssertEqual(batch.positionIds.scalars, [0, 1, 2, 0, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(batch.segmentIds.scalars, [1, 1, 1, 2, 2, 1, 0, 0, 0, 0])
        XCTAssertThrowsMessage(try CausalLMBatch(examples: [], padTokenId: 0), "invalid dataset option: a batch needs at least one row")
    }
}
