import LorafTensor

/// The keys and values a decoder has computed for the tokens it has seen, so that generation feeds only the new
/// tokens (transformers' DynamicCache). Also keeps the attention mask [B, T] of the cached positions, so padding
/// in a left-padded batch stays masked as the sequences grow.
///
/// Per layer: keys and values [B, kv_heads, T, head_dim]. A model appends to it during `forward` when
/// `ModelInput.cache` is set; one cache serves one batch of sequences.
public final class KeyValueCache {
    private var keys: [Int: Tensor] = [:]
    private var values: [Int: Tensor] = [:]
    /// The attention mask of the cached positions [B, T] (nil before the first forward).
    public private(set) var attentionMask: IntTensor?

    public init() {}

    /// Number of cached positions T.
    public var length: Int { attentionMask?.shape[1] ?? 0 }

    /// Appends this pass's keys and values [B, kv_heads, S, d] for `layer`; returns all of them [B, kv_heads, T + S, d].
    /// - Throws: `TensorError` when the shapes disagree with what the cache holds.
    public func append(layer: Int, keys newKeys: Tensor, values newValues: Tensor) throws -> (keys: Tensor, values: Tensor) {
        let k = try keys[layer].map { try Tensor.concat([$0, newKeys], axis: 2) } ?? newKeys
        let v = try values[layer].map { try Tensor.concat([$0, newValues], axis: 2) } ?? newValues
        keys[layer] = k.detached()
        values[layer] = v.detached()
        return (k, v)
    }

    /// The mask of the cached positions followed by `mask` [B, S]: [B, T + S]. Call `commit` with it after the pass.
    /// - Throws: `ModelError.invalid` when the batch size differs from the cached one.
    public func extendedMask(_ mask: IntTensor) throws -> IntTensor {
        guard let past = attentionMask else { return mask }
        let b = mask.shape[0], s = mask.shape[1], t = past.shape[1]
        guard past.shape[0] == b else {
            throw ModelError.invalid("the key/value cache holds \(past.shape[0]) sequences but the batch has \(b)")
        }
        var scalars: [Int] = []
        scalars.reserveCapacity(b * (t + s))
        for row in 0..<b { scalars += past.row(row); scalars += mask.row(row) }
        return try IntTensor(shape: [b, t + s], scalars: scalars)
    }

    /// Records the mask of every position now cached (what `extendedMask` returned).
    public func commit(mask: IntTensor) { attentionMask = mask }
}
