import XCTest
@testable import LorafTraining

final class DatasetSplitTests: XCTestCase {
    private let dataset = TextClassificationDataset(examples: (0..<10).map { TextExample(text: "t\($0)", label: $0 % 3) })

    func testSplitIsDeterministicDisjointAndKeepsFileOrder() throws {
        let (train, holdout) = try dataset.split(holdout: 0.25, seed: 7)
        XCTAssertEqual(holdout.count, 3)   // 2.5 rounds to 3
        XCTAssertEqual(train.count, 7)
        XCTAssertEqual(Set(train.examples).union(holdout.examples), Set(dataset.examples))
        XCTAssertEqual(Set(train.examples).intersection(holdout.examples), [])
        for part in [train, holdout] {
            let positions = part.examples.map { example in dataset.examples.firstIndex(of: example)! }
            XCTAssertEqual(positions, positions.sorted())
        }
        let again = try dataset.split(holdout: 0.25, seed: 7)
        XCTAssertEqual(again.train, train)
        XCTAssertEqual(again.holdout, holdout)
        let otherSeeds = try (8..<12).map { try dataset.split(holdout: 0.25, seed: $0).holdout }
        XCTAssertTrue(otherSeeds.contains { $0 != holdout })
    }

    func testSplitKeepsBothPartsNonEmptyAndRejectsBadFractions() throws {
        XCTAssertEqual(try dataset.split(holdout: 0.01, seed: 1).holdout.count, 1)
        XCTAssertEqual(try dataset.split(holdout: 0.99, seed: 1).train.count, 1)
        XCTAssertThrowsMessage(try dataset.split(holdout: 1, seed: 1),
                               "invalid dataset option: holdout fraction must be strictly between 0 and 1, got 1.0")
        XCTAssertThrowsMessage(try TextClassificationDataset(examples: [dataset[0]]).split(holdout: 0.5, seed: 1),
                               "invalid dataset option: cannot split a dataset of 1 example(s)")
    }

    func testTRECDevSplit() throws {
        let trec = try TextClassificationDataset.read(TestFiles.data("trec/train.txt"),
                                                      options: DatasetReadOptions(encoding: .latin1, numLabels: 6))
        let (train, dev) = try trec.split(holdout: 0.1, seed: 42)
        XCTAssertEqual(dev.count, 545)
        XCTAssertEqual(train.count, 5452 - 545)
    }
}
