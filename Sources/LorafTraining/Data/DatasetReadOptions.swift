/// What a reader does with a malformed line or record (a label with no text, a bad label, a wrong field count).
public enum BadLinePolicy: String, Sendable, CaseIterable {
    /// Stop with an error naming file and line (the default).
    case stop
    /// Skip it and carry on; ``TextClassificationDataset/readReporting(_:format:options:)`` lists what was skipped.
    case skip
}

/// Options shared by every dataset reader.
public struct DatasetReadOptions: Sendable {
    /// The declared character encoding of the file.
    public var encoding: TextEncoding
    /// The number of classes. When set, a label outside `0..<numLabels` is an error naming file and line.
    /// When `nil` and ``labelNames`` is set, it is `labelNames.count`; otherwise only negative labels are rejected.
    public var numLabels: Int?
    /// Class names: a label given as a string equal to `labelNames[i]` is class `i`.
    /// A label that is not one of the names must be an integer class id.
    public var labelNames: [String]?
    /// CSV/TSV column or JSONL key holding the text.
    public var textField: String
    /// CSV/TSV column or JSONL key holding the second text of a pair; used when present, optional otherwise.
    public var textPairField: String
    /// CSV/TSV column or JSONL key holding the label.
    public var labelField: String
    /// Stop after this many examples (`nil`: read the whole file).
    public var limit: Int?
    /// Stop at a malformed line (default) or skip it. Bytes invalid in the encoding and a bad CSV header always stop.
    public var onBadLine: BadLinePolicy = .stop

    public init(encoding: TextEncoding = .utf8, numLabels: Int? = nil, labelNames: [String]? = nil,
                textField: String = "text", textPairField: String = "text_pair", labelField: String = "label",
                limit: Int? = nil) {
        self.encoding = encoding
        self.numLabels = numLabels
        self.labelNames = labelNames
        self.textField = textField
        self.textPairField = textPairField
        self.labelField = labelField
        self.limit = limit
    }

    /// Checks the options against each other.
    /// - Throws: ``DatasetError/invalidOption(_:)`` for a non-positive `numLabels`, a negative `limit`,
    ///   empty or duplicate label names, a names/`numLabels` count mismatch, or empty or clashing field names.
    func validate() throws {
        if let numLabels, numLabels < 1 { throw DatasetError.invalidOption("numLabels must be at least 1, got \(numLabels)") }
        if let limit, limit < 0 { throw DatasetError.invalidOption("limit must not be negative, got \(limit)") }
        if let labelNames {
            if labelNames.isEmpty { throw DatasetError.invalidOption("labelNames is empty") }
            if Set(labelNames).count != labelNames.count {
                throw DatasetError.invalidOption("labelNames has duplicates: \(labelNames)")
            }
            if let numLabels, numLabels != labelNames.count {
                throw DatasetError.invalidOption("numLabels is \(numLabels) but labelNames has \(labelNames.count) names")
            }
        }
        let fields = [textField, textPairField, labelField]
        if fields.contains(where: \.isEmpty) { throw DatasetError.invalidOption("field names must not be empty: \(fields)") }
        if Set(fields).count != fields.count { throw DatasetError.invalidOption("field names must differ: \(fields)") }
    }
}
