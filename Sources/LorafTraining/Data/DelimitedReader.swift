/// Reads CSV or TSV files with a header row: the columns named ``DatasetReadOptions/textField`` and
/// ``DatasetReadOptions/labelField`` are required, ``DatasetReadOptions/textPairField`` is used when present
/// (an empty cell there means no second text). Quoting follows ``DelimitedRecordReader``.
enum DelimitedReader {
    /// - Throws: ``DatasetError/malformed(_:reason:)`` for an empty file, a header without the required
    ///   columns or with duplicate names, a record whose field count differs from the header's, an empty text, a bad label,
    ///   a quoting error or bytes invalid in the declared encoding.
    static func read(_ records: inout DelimitedRecordReader, options: DatasetReadOptions,
                     into collector: inout ExampleCollector) throws {
        guard let header = try records.next() else {
            throw DatasetError.malformed(SourceLocation(file: records.path, line: 1), reason: "the file is empty; expected a header row")
        }
        let headerLocation = SourceLocation(file: records.path, line: header.line)
        var columns: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() where columns.updateValue(index, forKey: name) != nil {
            throw DatasetError.malformed(headerLocation, reason: "the header names column '\(name)' twice")
        }
        func column(_ name: String) throws -> Int {
            guard let index = columns[name] else {
                throw DatasetError.malformed(headerLocation, reason:
                    "the header has no column '\(name)' (columns: \(header.fields.joined(separator: ", ")))")
            }
            return index
        }
        let textColumn = try column(options.textField)
        let labelColumn = try column(options.labelField)
        let pairColumn = columns[options.textPairField]
        while !collector.isFull, let record = try records.next() {
            let location = SourceLocation(file: records.path, line: record.line)
            try collector.collect { labels in
                guard record.fields.count == header.fields.count else {
                    throw DatasetError.malformed(location, reason:
                        "expected \(header.fields.count) fields as in the header, found \(record.fields.count)")
                }
                let text = record.fields[textColumn]
                if text.isEmpty { throw DatasetError.malformed(location, reason: "field '\(options.textField)' is empty") }
                let label = try labels.resolve(record.fields[labelColumn], at: location)
                let pair = pairColumn.map { record.fields[$0] }
                return TextExample(text: text, textPair: pair?.isEmpty == false ? pair : nil, label: label, source: location)
            }
        }
    }
}
