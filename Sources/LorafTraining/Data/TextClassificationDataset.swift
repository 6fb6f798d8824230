import LorafTensor

/// A list of labelled texts for sentence(-pair) classification, read from a file of one of the
/// ``DatasetFormat``s. See docs/data.md for the formats and their error messages.
public struct TextClassificationDataset: Sendable, Hashable, Codable {
    /// The examples in file order.
    public let examples: [TextExample]

    public init(examples: [TextExample]) {
        self.examples = examples
    }

    /// Reads a dataset file.
    /// - Parameters:
    ///   - path: the file; it appears as given in every error message (`path:line: reason`).
    ///   - format: the file format; `nil` infers it from the extension (see ``DatasetFormat/init(inferredFromPath:)``).
    ///   - options: encoding, class count, label names, field names and example limit.
    /// - Throws: ``DatasetError/unreadableFile(path:reason:)`` when the file cannot be read,
    ///   ``DatasetError/malformed(_:reason:)`` naming `path:line` for bytes invalid in the declared encoding and
    ///   for any malformed line or record, ``DatasetError/invalidOption(_:)`` for inconsistent options.
    public static func read(_ path: String, format: DatasetFormat? = nil,
                            options: DatasetReadOptions = DatasetReadOptions()) throws -> TextClassificationDataset {
        try readReporting(path, format: format, options: options).dataset
    }

    /// Reads a dataset file as ``read(_:format:options:)`` does, and also returns the malformed lines skipped
    /// under `options.onBadLine == .skip` (each a ``DatasetError/malformed(_:reason:)`` naming file and line).
    public static func readReporting(_ path: String, format: DatasetFormat? = nil, options: DatasetReadOptions = DatasetReadOptions())
        throws -> (dataset: TextClassificationDataset, skipped: [DatasetError]) {
        try options.validate()
        let format = try format ?? DatasetFormat(inferredFromPath: path)
        var lines = try SourceLineReader(path: path, encoding: options.encoding)
        var collector = ExampleCollector(options: options)
        switch format {
        case .labelText:
            try LabelTextReader.read(&lines, into: &collector)
        case .jsonl:
            try JSONLinesReader.read(&lines, options: options, into: &collector)
        case .csv, .tsv:
            var records = DelimitedRecordReader(lines: lines, delimiter: UInt8(ascii: format == .csv ? "," : "\t"))
            try DelimitedReader.read(&records, options: options, into: &collector)
        }
        return (TextClassificationDataset(examples: collector.examples), collector.skipped)
    }

    /// One warning for skipped lines: `skipped 4 malformed lines of data.txt: data.txt:12: label 1 has no text
    /// after it; ...` naming at most `shown` of them; nil when none was skipped.
    public static func skippedLinesWarning(_ skipped: [DatasetError], path: String, shown: Int = 3) -> String? {
        guard !skipped.isEmpty else { return nil }
        let listed = skipped.prefix(shown).map(\.description).joined(separator: "; ")
        let more = skipped.count > shown ? "; and \(skipped.count - shown) more" : ""
        return "skipped \(skipped.count) malformed line\(skipped.count == 1 ? "" : "s") of \(path): \(listed)\(more)"
    }

    public var count: Int { examples.count }

    public subscript(index: Int) -> TextExample { examples[index] }

    /// The label of every example, in order.
    public var labels: [Int] { examples.map(\.label) }

    /// Splits off a held-out part (e.g. a dev set from a train set that has none, as TREC).
    ///
    /// The held-out count is `fraction × count` rounded to the nearest integer, kept within `1...count-1`.
    /// Which examples are held out is drawn by a Fisher–Yates shuffle of the indices with
    /// ``RandomGenerator`` seeded by `seed`; both parts keep the original file order. The same data and seed
    /// always give the same split, on every platform.
    /// - Returns: the remaining examples and the held-out ones.
    /// - Throws: ``DatasetError/invalidOption(_:)`` when `fraction` is not strictly between 0 and 1 or the
    ///   dataset has fewer than 2 examples.
    public func split(holdout fraction: Double, seed: UInt64) throws -> (train: TextClassificationDataset,
                                                                         holdout: TextClassificationDataset) {
        guard fraction > 0, fraction < 1 else {
            throw DatasetError.invalidOption("holdout fraction must be strictly between 0 and 1, got \(fraction)")
        }
        guard count >= 2 else { throw DatasetError.invalidOption("cannot split a dataset of \(count) example(s)") }
        let holdoutCount = min(max(Int((fraction * Double(count)).rounded()), 1), count - 1)
        var generator = RandomGenerator(seed: seed)
        var order = Array(examples.indices)
        generator.shuffle(&order)
        var isHeldOut = [Bool](repeating: false, count: count)
        for index in order.prefix(holdoutCount) { isHeldOut[index] = true }
        let train = examples.indices.filter { !isHeldOut[$0] }.map { examples[$0] }
        let holdout = examples.indices.filter { isHeldOut[$0] }.map { examples[$0] }
        return (TextClassificationDataset(examples: train), TextClassificationDataset(examples: holdout))
    }
}
