import Foundation
import LorafTemplates

/// Splits an instruction file into JSON values with the line each starts on: JSON Lines (one object per
/// non-empty line) or, when the first non-blank character is `[`, one JSON array of objects.
///
/// Every line is first decoded as UTF-8 (so invalid bytes are reported as `file:line`), then parsed with
/// `TemplateValue(json:)`, which keeps key order and reports the line of a syntax error.
enum InstructionFileReader {
    /// - Throws: ``DatasetError/unreadableFile(path:reason:)``; ``DatasetError/malformed(_:reason:)`` for invalid
    ///   UTF-8, bad JSON or an array element that is not an object, each with the file and line.
    static func values(path: String) throws -> [(TemplateDictionary, SourceLocation)] {
        var reader = try SourceLineReader(path: path, encoding: .utf8)
        var lines: [SourceLine] = []
        while let line = try reader.next() { lines.append(line) }
        let firstContent = lines.first { !$0.text.allSatisfy(\.isWhitespace) }
        if firstContent?.text.first(where: { !$0.isWhitespace }) == "[" {
            return try arrayElements(lines, path: path)
        }
        return try lines.compactMap { line in
            if line.text.allSatisfy(\.isWhitespace) { return nil }
            let location = SourceLocation(file: path, line: line.number)
            return (try object(parsing: line.text, at: location, lineOffset: line.number - 1), location)
        }
    }

    private static func arrayElements(_ lines: [SourceLine], path: String) throws -> [(TemplateDictionary, SourceLocation)] {
        let text = lines.map(\.text).joined(separator: "\n")
        let parsed: TemplateValue
        do { parsed = try TemplateValue(json: text) } catch let error as TemplateJSONError {
            throw DatasetError.malformed(SourceLocation(file: path, line: error.location.line), reason: "bad JSON: \(error.message)")
        }
        guard case let .array(elements) = parsed else {
            throw DatasetError.malformed(SourceLocation(file: path, line: 1), reason: "expected a JSON array of records")
        }
        let starts = elementStartLines(text)
        return try zip(elements, starts).enumerated().map { index, pair in
            let location = SourceLocation(file: path, line: pair.1)
            guard case let .dictionary(object) = pair.0 else {
                throw DatasetError.malformed(location, reason: "record \(index) is \(InstructionFields.kind(of: pair.0)), expected an object")
            }
            return (object, location)
        }
    }

    /// Parses one JSON Lines record.
    private static func object(parsing text: String, at location: SourceLocation, lineOffset: Int) throws -> TemplateDictionary {
        let value: TemplateValue
        do { value = try TemplateValue(json: text) } catch let error as TemplateJSONError {
            throw DatasetError.malformed(location, reason: "bad JSON at column \(error.location.column): \(error.message)")
        }
        guard case let .dictionary(object) = value else {
            throw DatasetError.malformed(location, reason: "the record is \(InstructionFields.kind(of: value)), expected a JSON object")
        }
        return object
    }

    /// The 1-based line on which each top-level element of a (valid) JSON array starts.
    static func elementStartLines(_ text: String) -> [Int] {
        var starts: [Int] = []
        var line = 1, depth = 0, inString = false, escaped = false, expectingElement = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" { line += 1 }
            if inString {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inString = false }
                continue
            }
            if expectingElement, depth == 1, !" \t\r\n]".unicodeScalars.contains(scalar) {
                starts.append(line)
                expectingElement = false
            }
            switch scalar {
            case "\"": inString = true
            case "[", "{":
                depth += 1
                if depth == 1 { expectingElement = true }
            case "]", "}": depth -= 1
            case ",": if depth == 1 { expectingElement = true }
            default: break
            }
        }
        return starts
    }
}

extension InstructionDataset {
    /// Whether `path` looks like instruction data rather than labelled text: a `.json` file, or a `.jsonl` file
    /// whose first record has no `label` key but one of the keys ``InstructionFormat`` detects. Reads only up to
    /// the first record; an unreadable or malformed first line counts as not instruction data (the classification
    /// reader then reports it).
    public static func holdsInstructions(_ path: String) -> Bool {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        if fileExtension == "json" { return true }
        guard fileExtension == "jsonl", var reader = try? SourceLineReader(path: path, encoding: .utf8) else { return false }
        while let line = try? reader.next() {
            if line.text.allSatisfy(\.isWhitespace) { continue }
            guard case let .dictionary(record)? = try? TemplateValue(json: line.text) else { return false }
            return record["label"] == nil && InstructionFormat.detect(record) != nil
        }
        return false
    }
}
