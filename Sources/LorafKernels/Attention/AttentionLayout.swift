/// Where the sequences of a packed batch lie and which keys each query reads: the shape side of
/// ``Kernels/packedAttentionForward(_:scale:q:k:v:keep:probabilities:out:)``.
///
/// A packed batch holds the real tokens of several sequences one after another (no padding): sequence s is rows
/// `offsets[s] ..< offsets[s + 1]` of the query, key and value matrices, and attends only within itself. Queries
/// are [N, heads·d], keys and values [N, kvHeads·d] (grouped-query attention: query head h reads key/value head
/// h / (heads / kvHeads), as transformers' `repeat_kv`).
public struct AttentionLayout: Equatable, Sendable {
    /// Sequence boundaries in rows: `offsets[0] == 0`, non-decreasing, `offsets.last` = N.
    public let offsets: [Int]
    public let heads: Int
    public let kvHeads: Int
    /// Features per head, d.
    public let headDim: Int
    /// Query i reads keys 0...i of its sequence (decoders); otherwise every key of its sequence (encoders).
    public let causal: Bool
    /// With `causal`, query i reads only keys i − window + 1 ... i (Mistral's sliding window); nil: no limit.
    public let window: Int?
    /// Start of sequence s's probabilities (heads matrices of L×L floats, L its length) in the probability buffer.
    public let probabilityOffsets: [Int]

    /// - Throws: ``AttentionLayoutError`` when the offsets are not a non-decreasing list from 0, heads is not a
    ///   positive multiple of kvHeads, headDim or window is not positive, or a window comes without `causal`.
    public init(offsets: [Int], heads: Int, kvHeads: Int, headDim: Int, causal: Bool, window: Int? = nil) throws {
        guard offsets.first == 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw AttentionLayoutError("sequence offsets must start at 0 and never decrease, got \(offsets.prefix(8))")
        }
        guard heads > 0, kvHeads > 0, heads % kvHeads == 0 else {
            throw AttentionLayoutError("heads (\(heads)) must be a positive multiple of kv_heads (\(kvHeads))")
        }
        guard headDim > 0 else { throw AttentionLayoutError("head_dim must be positive, got \(headDim)") }
        if let window {
            guard window >= 1 else { throw AttentionLayoutError("sliding window must be positive, got \(window)") }
            guard causal else { throw AttentionLayoutError("a sliding window needs causal attention") }
        }
        self.offsets = offsets
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.causal = causal
        self.window = window
        var starts = [0]
        for s in 0..<(offsets.count - 1) {
            let length = offsets[s + 1] - offsets[s]
            starts.append(starts[s] + heads * length * length)
        }
        probabilityOffsets = starts
    }

    /// Number of sequences.
    public var sequenceCount: Int { offsets.count - 1 }
    /// Rows of the packed matrices, N.
    public var tokenCount: Int { offsets.last ?? 0 }
    /// Floats of the probability buffer: heads · Σ L².
    public var probabilityCount: Int { probabilityOffsets.last ?? 0 }
    /// Query heads per key/value head.
    public var groups: Int { heads / kvHeads }

    /// Length of sequence s.
    public func length(_ s: Int) -> Int { offsets[s + 1] - offsets[s] }

    /// The keys (positions within its sequence of `length`) that query i reads.
    public func keys(query i: Int, length: Int) -> Range<Int> {
        guard causal else { return 0..<length }
        let first = window.map { Swift.max(0, i - $0 + 1) } ?? 0
        return first..<(i + 1)
    }
}

/// An invalid ``AttentionLayout``.
public struct AttentionLayoutError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = "attention layout: " + description }
}
