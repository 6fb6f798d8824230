import XCTest
@testable import LorafTraining

final class DelimitedReaderTests: XCTestCase {
    func testCSVWithQuotingPairsAndStringLabels() throws {
        let csv = [
            "id,text,text_pair,label", #"1,"Hello, world","He said ""hi""",pos"#, "2,plain,,neg", "",
            #"3,"two"#, #"lines",x,pos"#, #"4,say "what",y,1"#, "",
        ].joined(separator: "\r\n")
        let path = try TestFiles.write(csv, name: "pairs.csv")
        let dataset = try TextClassificationDataset.read(path, options: DatasetReadOptions(labelNames: ["neg", "pos"]))
        XCTAssertEqual(dataset.examples.map(\.text), ["Hello, world", "plain", "two\nlines", "say \"what\""])
        XCTAssertEqual(dataset.examples.map(\.textPair), ["He said \"hi\"", nil, "x", "y"])
        XCTAssertEqual(dataset.labels, [1, 0, 1, 1])
        XCTAssertEqual(dataset.examples.map { $0.source?.line }, [2, 3, 5, 7])
    }

    func testTSVWithRenamedFieldsAndByteOrderMark() throws {
        let tsv = [0xEF, 0xBB, 0xBF] + Array("sentence\ty\n\"a\tb\"\t3\nc\t0\n".utf8)
        let path = try TestFiles.write(tsv, name: "data.tsv")
        let options = DatasetReadOptions(numLabels: 4, textField: "sentence", labelField: "y")
        let dataset = try TextClassificationDataset.read(path, options: options)
        XCTAssertEqual(dataset.examples, [
            TextExample(text: "a\tb", label: 3, source: SourceLocation(file: path, line: 2)),
            TextExample(text: "c", label: 0, source: SourceLocation(file: path, line: 3)),
        ])
    }

    func testExplicitFormatOverridesTheExtension() throws {
        let path = try TestFiles.write("label\ttext\n1\tsemi;colon\n", name: "export.data")
        let dataset = try TextClassificationDataset.read(path, format: .tsv)
        XCTAssertEqual(dataset.examples.map(\.text), ["semi;colon"])
        XCTAssertEqual(dataset.labels, [1])
    }

    func testErrorsNameFileAndLine() throws {
        let cases: [(String, String)] = [
            ("", "1: the file is empty; expected a header row"),
            ("text,lab\nx,1\n", "1: the header has no column 'label' (columns: text, lab)"),
            ("text,label,text\n", "1: the header names column 'text' twice"),
            ("text,label\na,1\nb\n", "3: expected 2 fields as in the header, found 1"),
            ("text,label\na,1\nb,1,2\n", "3: expected 2 fields as in the header, found 3"),
            ("text,label\n\"a\"b,1\n", "2: field 1 has text after its closing quote (a quote inside a quoted field is written \"\")"),
            ("text,label\na,1\n\"open,1\nstill open\n", "3: quoted field 1 is not closed before the end of the file"),
            ("text,label\na,one\n", "2: label 'one' is not an integer"),
            ("text,label\n,1\n", "2: field 'text' is empty"),
        ]
        for (contents, message) in cases {
            let path = try TestFiles.write(contents, name: "bad.csv")
            XCTAssertThrowsMessage(try TextClassificationDataset.read(path), "\(path):\(message)")
        }
    }
}
