import LorafKernels
import LorafTensor

/// The real tokens of a padded batch [B, S], packed one after another so that padding costs no work: the
/// token-wise layers run on [N, H] (N real tokens) and attention runs per sequence (``Tensor/packedAttention(query:key:value:layout:scale:dropout:training:rng:)``).
///
/// Sequences come from the attention mask: the real tokens (mask ≠ 0) of each row form one sequence; with `segments`
/// (decoders), one sequence per distinct mask value m of the row (1, 2, ... for examples packed into one row, each
/// assumed contiguous). Tokens keep their slot order; sequences are ordered by row and then by first slot. Rows
/// without a real token contribute no sequence.
public struct PackedTokens {
    /// Flat slot b·S + t of each packed token, in packed order.
    public let slots: [Int]
    /// The example (row b) of each packed token.
    public let tokenExamples: [Int]
    /// Sequence boundaries in packed rows (``AttentionLayout/offsets``).
    public let offsets: [Int]
    public let batchSize: Int
    public let sequenceLength: Int

    /// - Parameters:
    ///   - attentionMask: [B, S]; 0 = padding.
    ///   - segments: whether mask values 1, 2, ... number separate examples packed into one row (decoders'
    ///     ``ModelInput`` convention); false (encoders): every non-zero value is the row's one sequence.
    public init(attentionMask: IntTensor, segments: Bool = false) {
        batchSize = attentionMask.shape[0]
        sequenceLength = attentionMask.shape[1]
        var slots: [Int] = [], examples: [Int] = [], offsets = [0]
        for row in 0..<batchSize {
            let mask = Array(attentionMask.row(row))
            var rowSegments: [Int] = []
            for value in mask where value != 0 && !rowSegments.contains(value) { rowSegments.append(value) }
            if !segments { rowSegments = rowSegments.isEmpty ? [] : [0] }
            for segment in rowSegments {
                for (t, value) in mask.enumerated() where value != 0 && (!segments || value == segment) {
                    slots.append(row * sequenceLength + t)
                    examples.append(row)
                }
                offsets.append(slots.count)
            }
        }
        self.slots = slots
        tokenExamples = examples
        self.offsets = offsets
    }

    /// N, the number of real tokens.
    public var count: Int { slots.count }

    /// The values of `x` [B, S] at the packed tokens → [N].
    /// - Throws: `ModelError.invalid` when `x` is not [B, S] like the mask these tokens came from.
    public func gather(_ x: IntTensor) throws -> IntTensor {
        guard x.shape == [batchSize, sequenceLength] else {
            throw ModelError.invalid("expected [\(batchSize), \(sequenceLength)] like the attention mask, got \(x.shape)")
        }
        return try IntTensor(shape: [count], scalars: slots.map { x.scalars[$0] })
    }

    /// Token states `packed` [N, H] put back at their slots of a [B, S, H] tensor whose padding positions hold 0
    /// (differentiable: the gradient is gathered back).
    /// - Throws: `TensorError.shapeMismatch` unless `packed` has N rows.
    public func unpacked(_ packed: Tensor) throws -> Tensor {
        try packed.scatteredRows(to: slots, rowCount: batchSize * sequenceLength)
            .reshaped([batchSize, sequenceLength, packed.shape[1]])
    }

    /// The packed row of each flat slot b·S + t in `wanted`, nil for a padding slot.
    public func packedIndices(ofSlots wanted: [Int]) -> [Int?] {
        var index = [Int?](repeating: nil, count: batchSize * sequenceLength)
        for (packed, slot) in slots.enumerated() { index[slot] = packed }
        return wanted.map { $0 >= 0 && $0 < index.count ? index[$0] : nil }
    }

    /// The attention layout of these sequences.
    /// - Throws: ``AttentionLayoutError`` for inconsistent head counts.
    public func attentionLayout(heads: Int, kvHeads: Int, headDim: Int, causal: Bool, window: Int? = nil) throws -> AttentionLayout {
        try AttentionLayout(offsets: offsets, heads: heads, kvHeads: kvHeads, headDim: headDim, causal: causal, window: window)
    }
}

extension ForwardContext {
    /// Runs `body` with ``rowExamples`` set to `examples` (the example of each row the layers will see, e.g.
    /// ``PackedTokens/tokenExamples``), then restores the previous mapping, also when `body` throws.
    public func withRowExamples<T>(_ examples: [Int], _ body: () throws -> T) rethrows -> T {
        let previous = rowExamples
        rowExamples = examples
        defer { rowExamples = previous }
        return try body()
    }
}
