/// Instruction or chat examples read from a JSON or JSONL file and tokenized for a causal LM.
///
/// ```swift
/// let records = try InstructionDataset.readRecords("train.jsonl", format: nil)        // format detected
/// let tokenizer = InstructionTokenizer(tokenizer: lm.tokenizer, chatTemplate: lm.chatTemplate,
///                                      specialTokens: lm.specialTokens, options: InstructionOptions(maxLength: 512))
/// let dataset = try InstructionDataset(records: records, tokenizer: tokenizer)
/// print(dataset.report)   // 2000 examples, 31 truncated, 0 dropped, ...
/// ```
public struct InstructionDataset: Sendable {
    public let examples: [TokenizedInstruction]
    public let report: InstructionReport

    /// Reads every record of `path` (JSON Lines, or one JSON array) in `format`, or in the format detected from
    /// the first record's keys when `format` is nil (every record must then fit it).
    /// - Throws: ``DatasetError`` with `file:line` for unreadable files, invalid UTF-8, bad JSON, records that do
    ///   not fit the format (naming the field), unknown roles; ``DatasetError/malformed(_:reason:)`` at line 1 for
    ///   a file with no records or whose format cannot be detected.
    public static func readRecords(_ path: String, format: InstructionFormat?) throws -> [InstructionRecord] {
        let values = try InstructionFileReader.values(path: path)
        guard let first = values.first else {
            throw DatasetError.malformed(SourceLocation(file: path, line: 1), reason: "the file has no records")
        }
        guard let format = format ?? InstructionFormat.detect(first.0) else {
            throw DatasetError.malformed(first.1, reason: "cannot tell the format: the record has none of the keys "
                + "messages, conversations, prompt, instruction, text; give the format")
        }
        return try values.map { try InstructionFields.record($0.0, format: format, at: $0.1) }
    }

    /// Tokenizes `records` and applies ``InstructionOptions/overflow`` to those longer than
    /// ``InstructionOptions/maxLength``.
    /// - Throws: the errors of ``InstructionTokenizer/tokenize(_:)``.
    public init(records: [InstructionRecord], tokenizer: InstructionTokenizer) throws {
        let options = tokenizer.options
        var examples: [TokenizedInstruction] = []
        var report = InstructionReport()
        for record in records {
            var example = try tokenizer.tokenize(record)
            if example.ids.count > options.maxLength {
                report.overflowing.append(OverflowingRecord(source: record.source, length: example.ids.count))
                if options.overflow == .drop { continue }
                example.ids.removeLast(example.ids.count - options.maxLength)
                example.labels.removeLast(example.labels.count - options.maxLength)
            }
            if example.labelledCount == 0 { report.unlabelled.append(record.source) }
            report.tokens += example.ids.count
            report.labelledTokens += example.labelledCount
            examples.append(example)
        }
        report.examples = examples.count
        report.overflow = options.overflow
        report.maxLength = options.maxLength
        self.examples = examples
        self.report = report
    }
}

/// A record longer than the maximum length, and its length in tokens.
public struct OverflowingRecord: Equatable, Sendable {
    public let source: SourceLocation
    public let length: Int
}

/// What tokenizing an instruction dataset did: kept examples, overflowing records, tokens.
public struct InstructionReport: Equatable, Sendable, CustomStringConvertible {
    /// Examples kept.
    public var examples = 0
    /// Records longer than `maxLength`: truncated or dropped, as `overflow` says.
    public var overflowing: [OverflowingRecord] = []
    public var overflow: OverflowPolicy = .truncate
    public var maxLength = 0
    /// Kept examples without any labelled token (e.g. an answer cut off by truncation): they add nothing to the loss.
    public var unlabelled: [SourceLocation] = []
    public var tokens = 0
    public var labelledTokens = 0

    public var truncatedCount: Int { overflow == .truncate ? overflowing.count : 0 }
    public var droppedCount: Int { overflow == .drop ? overflowing.count : 0 }

    /// One line, plus the first overflowing records with their file and line.
    public var description: String {
        var text = "\(examples) examples, \(tokens) tokens (\(labelledTokens) labelled), \(truncatedCount) truncated and "
            + "\(droppedCount) dropped at max_length \(maxLength), \(unlabelled.count) without labels"
        for record in overflowing.prefix(5) {
            text += "\n  \(record.source): \(record.length) tokens, \(overflow == .drop ? "dropped" : "truncated")"
        }
        if overflowing.count > 5 { text += "\n  ... and \(overflowing.count - 5) more" }
        return text
    }
}
