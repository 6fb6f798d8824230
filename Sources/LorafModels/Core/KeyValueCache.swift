import LorafKernels
import LorafTensor

/// The keys and values a decoder has computed for the tokens it has seen, so that generation feeds only the new
/// tokens (transformers' DynamicCache). Also keeps the attention mask [B, T] of the cached positions, so padding
/// in a left-padded batch stays masked as the sequences grow.
///
/// Per layer: keys and values in buffers [B, kv_heads, capacity, head_dim] written in place; the capacity doubles
/// when a pass needs more slots, so a decoding step copies only its own keys and values. A model appends to it
/// during `forward` when `ModelInput.cache` is set; one cache serves one batch of sequences.
public final class KeyValueCache {
    private var layers: [Int: LayerBuffers] = [:]
    /// The attention mask of the cached positions [B, T] (nil before the first forward).
    public private(set) var attentionMask: IntTensor?

    public init() {}

    /// Number of cached positions T.
    public var length: Int { attentionMask?.shape[1] ?? 0 }

    /// Writes this pass's keys and values for `layer`, token-major [B·S, kv_heads·d] (row b·S + s), at slots
    /// `length ..< length + S`, and gives `body` every filled slot (T = length + S), valid during the call.
    /// - Throws: `ModelError.invalid` when the shapes disagree with each other or with what the cache holds;
    ///   `body`'s errors.
    public func append<R>(layer: Int, keys: Tensor, values: Tensor, batch: Int, kvHeads: Int,
                          _ body: (CachedKeysValues) throws -> R) throws -> R {
        guard batch > 0, kvHeads > 0, keys.rank == 2, keys.shape == values.shape, keys.shape[0] % batch == 0,
              keys.shape[1] % kvHeads == 0 else {
            throw ModelError.invalid("key/value cache: keys \(keys.shape) and values \(values.shape) are not [B·S, kv_heads·d] for B = \(batch), kv_heads = \(kvHeads)")
        }
        let s = keys.shape[0] / batch, d = keys.shape[1] / kvHeads, past = length
        let buffers = layers[layer] ?? LayerBuffers(batch: batch, kvHeads: kvHeads, headDim: d)
        guard buffers.batch == batch, buffers.kvHeads == kvHeads, buffers.headDim == d else {
            throw ModelError.invalid("the key/value cache of layer \(layer) holds [\(buffers.batch), \(buffers.kvHeads), T, \(buffers.headDim)] but the pass gives [\(batch), \(kvHeads), \(s), \(d)]")
        }
        layers[layer] = buffers
        buffers.reserve(past + s, keeping: past)
        let (k, v) = (keys.contiguous(), values.contiguous())
        withExtendedLifetime((k, v)) { buffers.write(k.data, v.data, newTokens: s, at: past) }
        return try body(CachedKeysValues(keys: buffers.keys, values: buffers.values, kvHeads: kvHeads, headDim: d,
                                         capacity: buffers.capacity, length: past + s))
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

/// One layer's key and value buffers, [batch, kvHeads, capacity, headDim] each.
private final class LayerBuffers {
    let batch: Int, kvHeads: Int, headDim: Int
    private(set) var capacity = 0
    private(set) var keys = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    private(set) var values = UnsafeMutablePointer<Float>.allocate(capacity: 0)

    init(batch: Int, kvHeads: Int, headDim: Int) {
        self.batch = batch
        self.kvHeads = kvHeads
        self.headDim = headDim
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Makes room for `slots` slots per (sequence, head), keeping the first `kept`: the capacity at least doubles.
    func reserve(_ slots: Int, keeping kept: Int) {
        guard slots > capacity else { return }
        let grown = max(slots, 2 * capacity, 64)
        keys = moved(keys, to: grown, keeping: kept)
        values = moved(values, to: grown, keeping: kept)
        capacity = grown
    }

    /// A buffer of `grown` slots per (sequence, head) holding the first `kept` slots of `old`, which is freed.
    private func moved(_ old: UnsafeMutablePointer<Float>, to grown: Int, keeping kept: Int) -> UnsafeMutablePointer<Float> {
        let new = UnsafeMutablePointer<Float>.allocate(capacity: batch * kvHeads * grown * headDim)
        for row in 0..<(batch * kvHeads) {
            (new + row * grown * headDim).initialize(from: old + row * capacity * headDim, count: kept * headDim)
        }
        old.deallocate()
        return new
    }

    /// Copies S new tokens' keys and values, token-major [batch·S, kvHeads·headDim], into slots start ..< start + S.
    func write(_ newKeys: UnsafePointer<Float>, _ newValues: UnsafePointer<Float>, newTokens s: Int, at start: Int) {
        let width = kvHeads * headDim
        for b in 0..<batch {
            for token in 0..<s {
                let source = (b * s + token) * width
                for g in 0..<kvHeads {
                    let target = ((b * kvHeads + g) * capacity + start + token) * headDim
                    (keys + target).update(from: newKeys + source + g * headDim, count: headDim)
                    (values + target).update(from: newValues + source + g * headDim, count: headDim)
                }
            }
        }
    }
}
