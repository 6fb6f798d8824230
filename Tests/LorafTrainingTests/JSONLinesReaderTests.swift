import XCTest
@testable import LorafTraining

final class JSONLinesReaderTests: XCTestCase {
    func testReadsObjectsWithOptionalPairAndStringLabels() throws {
        let jsonl = """
        {"text": "a \\"quoted\\" word", "label": 1, "extra": [1, 2]}

        {"text": "premise", "text_pair": "hypothesis", "label": "entailment"}
        {"text": "no pair", "text_pair": null, "label": "2"}
        """
        let path = try TestFiles.write(jsonl, name: "d.jsonl")
        let options = DatasetReadOptions(labelNames: ["contradiction", "neutral", "entailment"])
        let dataset = try TextClassificationDataset.read(path, options: options)
        XCTAssertEqual(dataset.examples, [
            TextExample(text: "a \"quoted\" word", label: 1, source: SourceLocation(file: path, line: 1)),
            TextExample(text: "premise", textPair: "hypothesis", label: 2, source: SourceLocation(file: path, line: 3)),
            TextExample(text: "no pair", label: 2, source: SourceLocation(file: path, line: 4)),
        ])
    }

    func testErrorsNameFileAndLine() throws {
        let cases: [(String, String)] = [
            ("{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 1\n", "2: not a JSON object (bad JSON or not an object)"),
            ("[1, 2]\n", "1: not a JSON object (bad JSON or not an object)"),
            ("{\"label\": 0}\n", "1: missing or empty field 'text'"),
            ("{\"text\": 5, \"label\": 0}\n", "1: field 'text' is a number, expected a string"),
            ("{\"text\": \"a\"}\n", "1: missing field 'label'"),
            ("{\"text\": \"a\", \"label\": 1.5}\n", "1: label 1.5 in field 'label' is not an integer"),
            ("{\"text\": \"a\", \"label\": true}\n", "1: field 'label' is a boolean, expected an integer or a string"),
            ("{\"text\": \"a\", \"label\": 7}\n", "1: label 7 is outside 0..<3 (numLabels = 3)"),
            ("{\"text\": \"a\", \"text_pair\": [\"b\"], \"label\": 0}\n", "1: field 'text_pair' is an array or object, expected a string"),
        ]
        for (contents, message) in cases {
            let path = try TestFiles.write(contents, name: "bad.jsonl")
            XCTAssertThrowsMessage(try TextClassificationDataset.read(path, options: DatasetReadOptions(numLabels: 3)),
                                   "\(path):\(message)")
        }
    }
}
