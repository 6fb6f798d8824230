import XCTest
@testable import LorafTraining

final class LabelTextReaderTests: XCTestCase {
    func testReadsLabelsTextsAndLinesSkippingEmptyLines() throws {
        let path = try TestFiles.write("1 a fine film\n\n0 dull ,  slow\r\n2  extra spaces\n", name: "small.txt")
        let dataset = try TextClassificationDataset.read(path)
        XCTAssertEqual(dataset.examples, [
            TextExample(text: "a fine film", label: 1, source: SourceLocation(file: path, line: 1)),
            TextExample(text: "dull ,  slow", label: 0, source: SourceLocation(file: path, line: 3)),
            TextExample(text: "extra spaces", label: 2, source: SourceLocation(file: path, line: 4)),
        ])
    }

    func testLimitStopsBeforeLaterBadLines() throws {
        let path = try TestFiles.write("0 a\n1 b\nx broken\n", name: "limit.txt")
        let dataset = try TextClassificationDataset.read(path, options: DatasetReadOptions(limit: 2))
        XCTAssertEqual(dataset.labels, [0, 1])
    }

    func testLabelNamesMapStringLabels() throws {
        let path = try TestFiles.write("pos good\nneg bad\n1 numeric\n", name: "names.txt")
        let dataset = try TextClassificationDataset.read(path, options: DatasetReadOptions(labelNames: ["neg", "pos"]))
        XCTAssertEqual(dataset.labels, [1, 0, 1])
    }

    func testMalformedLinesNameFileAndLine() throws {
        let cases: [(String, DatasetReadOptions, String)] = [
            ("0 ok\n\n one\n", DatasetReadOptions(), "3: no label"),
            ("0 ok\nneg text\n", DatasetReadOptions(), "2: label 'neg' is not an integer"),
            ("0 ok\nmid text\n", DatasetReadOptions(labelNames: ["neg", "pos"]),
             "2: label 'mid' is not an integer nor one of the label names [\"neg\", \"pos\"]"),
            ("1\n", DatasetReadOptions(), "1: label 1 has no text after it"),
            ("0 ok\n2 text\n", DatasetReadOptions(numLabels: 2), "2: label 2 is outside 0..<2 (numLabels = 2)"),
            ("-1 text\n", DatasetReadOptions(), "1: label -1 is negative"),
        ]
        for (contents, options, message) in cases {
            let path = try TestFiles.write(contents, name: "bad.txt")
            XCTAssertThrowsMessage(try TextClassificationDataset.read(path, options: options), "\(path):\(message)")
        }
    }

    func testInvalidUTF8NamesLineAndByteAndLatin1DecodesIt() throws {
        let path = try TestFiles.write(Array("0 fine\n1 caf".utf8) + [0xE9] + Array("\n".utf8), name: "latin.txt")
        XCTAssertThrowsMessage(try TextClassificationDataset.read(path),
            "\(path):2: invalid UTF-8: byte 0xE9 at column 6 (declare encoding latin1 if the file is ISO-8859-1)")
        let dataset = try TextClassificationDataset.read(path, options: DatasetReadOptions(encoding: .latin1))
        XCTAssertEqual(dataset[1].text, "café")
    }

    func testMissingFileAndBadOptions() throws {
        XCTAssertThrowsMessage(try TextClassificationDataset.read("/nonexistent/x.txt"),
                               "/nonexistent/x.txt: cannot read the file: no such file")
        let path = try TestFiles.write("0 a\n", name: "a.txt")
        XCTAssertThrowsMessage(try TextClassificationDataset.read(path, options: DatasetReadOptions(numLabels: 0)),
                               "invalid dataset option: numLabels must be at least 1, got 0")
        XCTAssertThrowsMessage(
            try TextClassificationDataset.read(path, options: DatasetReadOptions(numLabels: 3, labelNames: ["a", "b"])),
            "invalid dataset option: numLabels is 3 but labelNames has 2 names")
        XCTAssertThrowsMessage(try TextClassificationDataset.read(path + ".parquet"),
            "invalid dataset option: cannot tell the format of '\(path).parquet' from its extension; name one of txt, csv, tsv, jsonl")
    }
}
