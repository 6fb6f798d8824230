import XCTest
import LorafTemplates
@testable import LorafTraining

final class InstructionReaderTests: XCTestCase {
    func testEachFormatIsDetectedAndRead() throws {
        let cases: [(String, InstructionContent)] = [
            (#"{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]}"#,
             .chat([ChatMessage(role: "system", content: "S"), ChatMessage(role: "user", content: "Q"), ChatMessage(role: "assistant", content: "A")])),
            (#"{"conversations": [{"from": "system", "value": "S"}, {"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}"#,
             .chat([ChatMessage(role: "system", content: "S"), ChatMessage(role: "user", content: "Q"), ChatMessage(role: "assistant", content: "A")])),
            (#"{"prompt": "P", "completion": " C"}"#, .promptCompletion(prompt: "P", completion: " C")),
            (#"{"text": "T"}"#, .text("T")),
            (#"{"instruction": "I", "input": "X", "output": "O"}"#,
             .chat([ChatMessage(role: "user", content: "I\n\nX"), ChatMessage(role: "assistant", content: "O")])),
            (#"{"instruction": "I", "output": "O"}"#,
             .chat([ChatMessage(role: "user", content: "I"), ChatMessage(role: "assistant", content: "O")])),
        ]
        for (line, expected) in cases {
            let path = try TestFiles.write("\n" + line + "\n", name: "d.jsonl")
            XCTAssertEqual(try InstructionDataset.readRecords(path, format: nil),
                           [InstructionRecord(content: expected, source: SourceLocation(file: path, line: 2))], line)
        }
    }

    func testJSONArrayRecordsKeepTheLineTheyStartOn() throws {
        let json = "[\n  {\"text\": \"a [b], {c}\"},\n\n  {\n    \"text\": \"d \\\" e\"\n  }, {\"text\": \"f\"}\n]\n"
        let path = try TestFiles.write(json, name: "d.json")
        let records = try InstructionDataset.readRecords(path, format: .text)
        XCTAssertEqual(records.map(\.source.line), [2, 4, 6])
        XCTAssertEqual(records.map(\.content), [.text("a [b], {c}"), .text("d \" e"), .text("f")])
    }

    func testEveryDataErrorNamesFileLineAndField() throws {
        let ok = #"{"messages": [{"role": "user", "content": "Q"}]}"#
        let cases: [(String, InstructionFormat?, String)] = [
            (ok + "\n{\"messages\": [}\n", nil, "2: bad JSON at column 15: unexpected character"),
            (ok + "\n[1]\n", nil, "2: the record is a list, expected a JSON object"),
            (ok + "\n{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}\n", nil,
             "2: messages[0].role is 'robot', expected one of assistant, system, user"),
            (ok + "\n{\"messages\": [{\"role\": \"user\", \"content\": 3}]}\n", nil, "2: field 'messages[0].content' is a number, expected a string"),
            (ok + "\n{\"messages\": [{\"content\": \"x\"}]}\n", nil, "2: missing field 'messages[0].role'"),
            (ok + "\n{\"messages\": []}\n", nil, "2: field 'messages' is a list, expected a non-empty list of messages"),
            (ok + "\n{\"messages\": [\"hi\"]}\n", nil, "2: messages[0] is a string, expected an object"),
            (ok + "\n{\"text\": \"x\"}\n", nil, "2: missing field 'messages'"),
            ("{\"conversations\": [{\"from\": \"bot\", \"value\": \"x\"}]}\n", nil,
             "1: conversations[0].from is 'bot', expected one of assistant, gpt, human, system, user"),
            ("{\"prompt\": \"p\"}\n", nil, "1: missing field 'completion'"),
            ("{\"prompt\": \"p\", \"completion\": [\"c\"]}\n", nil, "1: field 'completion' is a list, expected a string"),
            ("{\"instruction\": \"i\", \"input\": 1, \"output\": \"o\"}\n", nil, "1: field 'input' is a number, expected a string"),
            ("{\"text\": null}\n", .text, "1: missing field 'text'"),
            ("{\"label\": 1}\n", nil, "1: cannot tell the format: the record has none of the keys messages, conversations, prompt, instruction, text; give the format"),
            ("\n\n", nil, "1: the file has no records"),
            ("[\n {\"text\": \"a\"},\n 5\n]\n", .text, "3: record 1 is a number, expected an object"),
            ("[\n {\"text\": \"a\"},\n {\"text\": }\n]\n", .text, "3: bad JSON: unexpected character"),
        ]
        for (text, format, expected) in cases {
            let path = try TestFiles.write(text, name: "d.jsonl")
            XCTAssertThrowsMessage(try InstructionDataset.readRecords(path, format: format), "\(path):" + expected)
        }
    }

    func testInvalidUTF8IsReportedWithFileAndLine() throws {
        for (name, prefix) in [("d.jsonl", Array("{\"text\": \"ok\"}\n".utf8)), ("d.json", Array("[{\"text\": \"ok\"},\n".utf8))] {
            let path = try TestFiles.write(prefix + Array("{\"text\": \"caf".utf8) + [0xE9] + Array("\"}\n".utf8), name: name)
            XCTAssertThrowsMessage(try InstructionDataset.readRecords(path, format: .text),
                                   "\(path):2: invalid UTF-8: byte 0xE9 at column 14 (declare encoding latin1 if the file is ISO-8859-1)")
        }
    }

    func testMissingFileIsAnError() {
        XCTAssertThrowsMessage(try InstructionDataset.readRecords("/nonexistent/train.jsonl", format: nil),
                               "/nonexistent/train.jsonl: cannot read the file: no such file")
    }
}
