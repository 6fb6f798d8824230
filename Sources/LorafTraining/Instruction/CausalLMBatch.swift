import LorafTensor

/// A right-padded batch for a causal LM.
///
/// All tensors are [B, S] with S the longest row: `inputIds` padded with the pad id, `attentionMask` 1 on real
/// tokens and 0 on padding, `labels` -100 on padding (and wherever the row's labels are -100), `positionIds`
/// and `segmentIds` as in ``PackedSequence`` (0 on padding). Unpacked rows have one segment and positions 0..<n.
public struct CausalLMBatch {
    public let inputIds: IntTensor
    public let attentionMask: IntTensor
    public let labels: IntTensor
    public let positionIds: IntTensor
    public let segmentIds: IntTensor

    /// - Throws: ``DatasetError/invalidOption(_:)`` for no rows or an empty row.
    public init(rows: [PackedSequence], padTokenId: Int) throws {
        guard !rows.isEmpty else { throw DatasetError.invalidOption("a batch needs at least one row") }
        if let empty = rows.firstIndex(where: { $0.ids.isEmpty }) {
            throw DatasetError.invalidOption("row \(empty) of the batch has no tokens")
        }
        let width = rows.map(\.ids.count).max()!
        func padded(_ values: KeyPath<PackedSequence, [Int]>, with pad: Int) throws -> IntTensor {
            try IntTensor(shape: [rows.count, width], scalars: rows.flatMap {
                $0[keyPath: values] + Array(repeating: pad, count: width - $0.ids.count)
            })
        }
        inputIds = try padded(\.ids, with: padTokenId)
        labels = try padded(\.labels, with: ignoredLabel)
        positionIds = try padded(\.positionIds, with: 0)
        segmentIds = try padded(\.segmentIds, with: 0)
        attentionMask = try IntTensor(shape: [rows.count, width], scalars: rows.flatMap {
            Array(repeating: 1, count: $0.ids.count) + Array(repeating: 0, count: width - $0.ids.count)
        })
    }

    /// A batch of unpacked examples.
    public init(examples: [TokenizedInstruction], padTokenId: Int) throws {
        try self.init(rows: examples.map(PackedSequence.init), padTokenId: padTokenId)
    }
}
