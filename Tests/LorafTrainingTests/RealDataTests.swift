import XCTest
@testable import LorafTraining

/// The data/ files, with the counts of data/README.md.
final class RealDataTests: XCTestCase {
    func testExampleCountsMatchTheReadme() throws {
        let expected: [(String, Int, Int, TextEncoding)] = [
            ("sst2/train.txt", 6920, 2, .utf8), ("sst2/dev.txt", 872, 2, .utf8), ("sst2/test.txt", 1821, 2, .utf8),
            ("sst5/train.txt", 8544, 5, .utf8), ("sst5/dev.txt", 1101, 5, .utf8), ("sst5/test.txt", 2210, 5, .utf8),
            ("trec/train.txt", 5452, 6, .latin1), ("trec/test.txt", 500, 6, .utf8),
        ]
        for (file, count, classes, encoding) in expected {
            let dataset = try TextClassificationDataset.read(TestFiles.data(file),
                options: DatasetReadOptions(encoding: encoding, numLabels: classes))
            XCTAssertEqual(dataset.count, count, file)
            XCTAssertEqual(Set(dataset.labels), Set(0..<classes), file)
        }
    }

    func testTRECTrainLine66FailsAsUTF8AndReadsAsLatin1() throws {
        let path = TestFiles.data("trec/train.txt")
        XCTAssertThrowsError(try TextClassificationDataset.read(path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path):66: invalid UTF-8: byte 0xF0"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("data/trec/train.txt:66: invalid UTF-8: byte 0xF0 at column 53"
                + " (declare encoding latin1 if the file is ISO-8859-1)"), "\(error)")
        }
        let dataset = try TextClassificationDataset.read(path, options: DatasetReadOptions(encoding: .latin1))
        let line66 = try XCTUnwrap(dataset.examples.first { $0.source?.line == 66 })
        XCTAssertEqual(line66.label, 4)
        XCTAssertEqual(line66.text, "Which city has the oldest relationship as a sister\u{F0}city with Los Angeles ?")
    }

    func testReadingSST2TrainTakesMilliseconds() throws {
        let path = TestFiles.data("sst2/train.txt")
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try clock.measure {
            count = try TextClassificationDataset.read(path, options: DatasetReadOptions(numLabels: 2)).count
        }
        XCTAssertEqual(count, 6920)
        XCTAssertLessThan(elapsed, .milliseconds(250), "reading SST-2 train took \(elapsed)")
        print("SST-2 train (6,920 lines) read in \(elapsed)")
    }
}
