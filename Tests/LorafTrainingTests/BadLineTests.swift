import XCTest
@testable import LorafTraining

/// `on_bad_line`: stopping at file:line stays the default; `.skip` skips and counts malformed lines (issue 14 item 8).
final class BadLineTests: XCTestCase {
    /// Customer Reviews' case: lines that are a label with no text, among good ones.
    private let reviews = "1 works well\n0\n1 great battery\n1 \n0 broke fast\n1\n0\n1 love it\n"

    func testStopIsTheDefaultAndNamesTheLine() throws {
        let path = try TestFiles.write(reviews, name: "cr.txt")
        XCTAssertThrowsMessage(try TextClassificationDataset.read(path), "\(path):2: label 0 has no text after it")
    }

    func testSkipCountsAndReportsEachFormat() throws {
        let text = try TestFiles.write(reviews, name: "cr.txt")
        let csv = try TestFiles.write("text,label\ngood,1\n,0\nbad,0,extra\nfine,x\nok,1\n", name: "cr.csv")
        let jsonl = try TestFiles.write("{\"text\": \"good\", \"label\": 1}\nnot json\n{\"label\": 0}\n{\"text\": \"ok\", \"label\": 0}\n", name: "cr.jsonl")
        let options = DatasetReadOptions(labelNames: ["0", "1"]).skipping
        for (path, texts, lines) in [(text, ["works well", "great battery", "broke fast", "love it"], [2, 4, 6, 7]),
                                     (csv, ["good", "ok"], [3, 4, 5]), (jsonl, ["good", "ok"], [2, 3])] {
            let (dataset, skipped) = try TextClassificationDataset.readReporting(path, options: options)
            XCTAssertEqual(dataset.examples.map(\.text), texts, path)
            XCTAssertEqual(skipped.compactMap { if case let .malformed(location, _) = $0 { return location.line } else { return nil } }, lines, path)
        }
        let (_, skipped) = try TextClassificationDataset.readReporting(text, options: options)
        let warning = try XCTUnwrap(TextClassificationDataset.skippedLinesWarning(skipped, path: text))
        XCTAssertEqual(warning, "skipped 4 malformed lines of \(text): \(text):2: label 0 has no text after it; "
                       + "\(text):4: label 1 has no text after it; \(text):6: label 1 has no text after it; and 1 more")
        XCTAssertNil(TextClassificationDataset.skippedLinesWarning([], path: text))
    }

    func testSkipStillStopsForBytesInvalidInTheEncoding() throws {
        let path = try TestFiles.write([0x31, 0x20, 0xFF, 0x0A], name: "bad.txt")
        XCTAssertThrowsError(try TextClassificationDataset.readReporting(path, options: DatasetReadOptions().skipping))
    }
}

private extension DatasetReadOptions {
    var skipping: DatasetReadOptions {
        var copy = self
        copy.onBadLine = .skip
        return copy
    }
}
