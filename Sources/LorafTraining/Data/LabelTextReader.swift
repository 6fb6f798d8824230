/// Reads the `LABEL TEXT` line format of `data/` (see data/README.md): the label is the first
/// space-separated field, the text is the rest of the line after the space(s) that follow it.
/// Empty lines are skipped (line numbers still count them).
enum LabelTextReader {
    /// - Throws: ``DatasetError/malformed(_:reason:)`` for a line with no label, a label that is not an
    ///   integer (or a known label name), an out-of-range label, a label with no text after it, or bytes invalid
    ///   in the declared encoding.
    static func read(_ lines: inout SourceLineReader, into collector: inout ExampleCollector) throws {
        while !collector.isFull, let line = try lines.next() {
            if line.text.isEmpty { continue }
            let location = lines.location
            let text = line.text
            try collector.collect { labels in
                let space = text.utf8.firstIndex(of: UInt8(ascii: " ")) ?? text.endIndex
                let label = try labels.resolve(text[..<space], at: location)
                let body = text[space...].drop(while: { $0 == " " })
                if body.isEmpty { throw DatasetError.malformed(location, reason: "label \(label) has no text after it") }
                return TextExample(text: String(body), label: label, source: location)
            }
        }
    }
}
