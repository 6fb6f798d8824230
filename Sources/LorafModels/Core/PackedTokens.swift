import LorafKernels
import LorafTensor

/// The real tokens of a padded batch [B, S], packed one after another so that padding costs no work: the
/// token-wise layers run on [N, H] (N real tokens) and attention runs per sequence (``Tensor/packedAttention(query:key:value:layout:scale:dropout:training:rng:)``).
///
/// Sequences come from the attention mask: the tokens of row b with mask value m ≠ 0 form one sequence per distinct
/// m (1 for a plain row; 1, 2, ... for examples packed into one row), in slot order, ordered by row and then by
/// first slot. Rows without a real token contribute no sequence.
public struct PackedTokens {
    /// Flat slot b·S + t of each packed token, in packed order.
    public let slots: [Int]
    /// The example (row b) of each packed token.
    public let tokenExamples: [Int]
    /// Sequence boundaries in packed rows (``AttentionLayout/offsets``).
    public let offsets: [Int]
    public let batchSize: Int
    public let sequenceLength: Int

    /// - Parameter attentionMask: [B, S]; 0 = padding, any other value numbers the token's segment.
    public init(attentionMask: IntTensor) {
        batchSize = attentionMask.shape[0]
        sequenceLength = attentionMask.shape[1]
        var slots: [Int] = [], examples: [Int] = [], offsets = [0]
        for row in 0..<batchSize {
            let mask = Array(attentionMask.row(row))
            var segments: [Int] = []
            for value in mask where value != 0 && !segments.contains(value) { segments.append(value) }
            for segment in segments {
                for (t, value) in mask.enumerated() where value == segment {
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
    public func gather(_ x: IntTensor) throws -> IntTensor {
        try IntTensor(shape: [count], scalars: slots.map { x.scalars[$0] })
    }

    /// Token states `packed` [N, H] put back at their slots of a [B, S, H] tensor whose padding positions hold 0.
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
    /// Runs `body` with the rows of token tensors mapped to examples by `packed` (for mixed-adapter batches), then
    /// restores the previous mapping.
    public func withRowExamples<T>(_ examples: [Int], _ body: () throws -> T) rethrows -> T {
        let previous = rowExamples
        rowExamples = examples
        defer { rowExamples = previous }
        return try body()
    }
}
