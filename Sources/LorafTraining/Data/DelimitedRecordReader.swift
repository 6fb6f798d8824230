/// One record of a delimited (CSV/TSV) file and the line it starts on.
struct DelimitedRecord {
    let line: Int
    let fields: [String]
}

/// Splits delimited text into records following RFC 4180's quoting rules, with a chosen delimiter
/// (`,` for CSV, tab for TSV):
/// - a field that starts with `"` is quoted: it ends at the next lone `"`, `""` inside it is one `"`, and it
///   may hold delimiters and line breaks (a line break inside a quoted field is kept as `\n`);
/// - after a closing quote only a delimiter or the end of the line may follow;
/// - a `"` inside a field that did not start with one is kept as an ordinary character (as Python's csv
///   module reads it) rather than rejected;
/// - records end at `\n` or `\r\n`; an empty line outside quotes is skipped.
struct DelimitedRecordReader {
    private var lines: SourceLineReader
    private let delimiter: UInt8
    private static let quote = UInt8(ascii: "\"")

    init(lines: SourceLineReader, delimiter: UInt8) {
        self.lines = lines
        self.delimiter = delimiter
    }

    var path: String { lines.path }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// The next non-empty record, or `nil` at the end of the file.
    /// - Throws: ``DatasetError/malformed(_:reason:)`` for text after a closing quote, a quoted field left open
    ///   at the end of the file (reported at the line where its record starts), or bytes invalid in the encoding.
    mutating func next() throws -> DelimitedRecord? {
        var line: SourceLine
        repeat {
            guard let next = try lines.next() else { return nil }
            line = next
        } while line.text.isEmpty
        let start = lines.location
        var fields: [String] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        var text = line.text
        while true {
            for byte in text.utf8 {
                switch state {
                case .fieldStart where byte == Self.quote:
                    state = .quoted
                case .fieldStart, .unquoted:
                    if byte == delimiter {
                        fields.append(String(decoding: field, as: UTF8.self))
                        field.removeAll(keepingCapacity: true)
                        state = .fieldStart
                    } else {
                        field.append(byte)
                        state = .unquoted
                    }
                case .quoted:
                    if byte == Self.quote { state = .quoteInQuoted } else { field.append(byte) }
                case .quoteInQuoted:
                    if byte == Self.quote {
                        field.append(byte)
                        state = .quoted
                    } else if byte == delimiter {
                        fields.append(String(decoding: field, as: UTF8.self))
                        field.removeAll(keepingCapacity: true)
                        state = .fieldStart
                    } else {
                        throw DatasetError.malformed(lines.location, reason:
                            "field \(fields.count + 1) has text after its closing quote (a quote inside a quoted field is written \"\")")
                    }
                }
            }
            guard state == .quoted else { break }
            guard let continuation = try lines.next() else {
                throw DatasetError.malformed(start, reason: "quoted field \(fields.count + 1) is not closed before the end of the file")
            }
            field.append(UInt8(ascii: "\n"))
            text = continuation.text
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return DelimitedRecord(line: start.line, fields: fields)
    }
}
