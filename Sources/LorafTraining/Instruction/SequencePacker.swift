/// One row of a causal-LM batch: the tokens of one example, or of several packed one after another.
///
/// With several examples in a row, a model must keep them apart: a token attends only to earlier tokens with the
/// same ``segmentIds`` value (a block-diagonal causal mask), and rotary positions are taken from
/// ``positionIds``, which restart at 0 for each example. (transformers' `DataCollatorWithFlattening` hands the
/// same restarting `position_ids` to flash attention.) The first label of every example is -100, so no example
/// is trained to predict the start of the next.
public struct PackedSequence: Equatable, Sendable {
    public private(set) var ids: [Int] = []
    public private(set) var labels: [Int] = []
    /// Position of each token inside its own example: 0, 1, ... restarting at each example.
    public private(set) var positionIds: [Int] = []
    /// 1 for the first example of the row, 2 for the second, ... (0 is left for padding).
    public private(set) var segmentIds: [Int] = []
    /// Where each example of the row came from, in order.
    public private(set) var sources: [SourceLocation] = []

    public init() {}

    /// A row holding `example` alone (its labels unchanged).
    public init(_ example: TokenizedInstruction) {
        ids = example.ids
        labels = example.labels
        positionIds = Array(example.ids.indices)
        segmentIds = Array(repeating: 1, count: example.ids.count)
        sources = [example.source]
    }

    /// Appends `example` as a new segment; its first label becomes -100.
    mutating func append(_ example: TokenizedInstruction) {
        ids += example.ids
        labels += example.labels.enumerated().map { $0.offset == 0 ? ignoredLabel : $0.element }
        positionIds += example.ids.indices
        segmentIds += Array(repeating: sources.count + 1, count: example.ids.count)
        sources.append(example.source)
    }
}

/// Packs short examples into rows of at most `maxLength` tokens, in order: an example goes into the current row
/// when it fits, else starts the next one (examples are never split).
public enum SequencePacker {
    /// - Throws: ``DatasetError/invalidOption(_:)`` when `maxLength` < 1 or an example is longer than it (apply
    ///   the overflow policy first, as ``InstructionDataset`` does).
    public static func pack(_ examples: [TokenizedInstruction], maxLength: Int) throws -> [PackedSequence] {
        guard maxLength >= 1 else { throw DatasetError.invalidOption("packing max_length must be at least 1, got \(maxLength)") }
        var rows: [PackedSequence] = []
        var current = PackedSequence()
        for example in examples where !example.ids.isEmpty {
            guard example.ids.count <= maxLength else {
                throw DatasetError.invalidOption("\(example.source): example of \(example.ids.count) tokens is longer than packing max_length \(maxLength)")
            }
            if current.ids.count + example.ids.count > maxLength {
                rows.append(current)
                current = PackedSequence()
            }
            current.append(example)
        }
        if !current.ids.isEmpty { rows.append(current) }
        return rows
    }
}
