import LorafTensor

/// What every block of a decoder shares in one padded pass with a key/value cache: the position of each token, the
/// rotary angles and the additive attention mask, derived from the batch's attention mask and the cache.
struct DecoderInputs {
    /// cos and sin of the rotary angles (position × inverse frequency) [B·S, d/2], shared by every layer.
    let rotary: (cos: Tensor, sin: Tensor)
    /// Additive mask [B, 1, S, T]: 0 where query row s may read key slot t (causal over the slots, the key not
    /// padding and in the query's segment, within the sliding window), the most negative Float otherwise (transformers uses finfo.min).
    let mask: Tensor
    /// The attention mask of every slot, cached and new [B, T].
    let fullMask: IntTensor

    /// - Parameters:
    ///   - window: Mistral's sliding window (nil: none).
    init(_ input: ModelInput, inverseFrequencies: [Float], window: Int?) throws {
        let b = input.batchSize, s = input.sequenceLength
        let past = input.cache?.length ?? 0
        fullMask = try input.cache?.extendedMask(input.attentionMask) ?? input.attentionMask
        let t = past + s
        let positions = try input.positionIds?.scalars ?? DecoderInputs.defaultPositions(fullMask, past: past, new: s)
        rotary = try DecoderInputs.rotaryTables(positions: positions, inverseFrequencies: inverseFrequencies)
        let blocked = -Float.greatestFiniteMagnitude
        var maskValues = [Float](repeating: blocked, count: b * s * t)
        for row in 0..<b {
            let keys = fullMask.row(row)
            for q in 0..<s {
                let slot = past + q
                let first = window.map { Swift.max(0, slot - $0 + 1) } ?? 0
                let base = (row * s + q) * t
                for k in first...slot where DecoderInputs.attends(query: keys[keys.startIndex + slot], key: keys[keys.startIndex + k]) {
                    maskValues[base + k] = 0
                }
            }
        }
        mask = try Tensor(shape: [b, 1, s, t], scalars: maskValues)
    }

    /// cos and sin [T, d/2] of position × inverse frequency for each of the T `positions`.
    static func rotaryTables(positions: [Int], inverseFrequencies: [Float]) throws -> (cos: Tensor, sin: Tensor) {
        let half = inverseFrequencies.count
        var angles = [Float](repeating: 0, count: positions.count * half)
        for (i, position) in positions.enumerated() {
            for j in 0..<half { angles[i * half + j] = Float(position) * inverseFrequencies[j] }
        }
        return Tensor.rotaryTables(angles: try Tensor(shape: [positions.count, half], scalars: angles))
    }

    /// Whether a query reads a key, from their attention-mask values: never a padding key (0); a real query only
    /// keys of its own segment (packed rows number their examples 1, 2, ...); a padding query every real key
    /// (its output is ignored; this keeps its softmax finite, as transformers' padded rows are).
    static func attends(query: Int, key: Int) -> Bool {
        key != 0 && (query == 0 || query == key)
    }

    /// transformers' generate default: a token's position is the number of real tokens before it (padding gets 1),
    /// so a left-padded row starts at position 0.
    static func defaultPositions(_ fullMask: IntTensor, past: Int, new: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(fullMask.shape[0] * new)
        for row in 0..<fullMask.shape[0] {
            var seen = 0
            for (slot, m) in fullMask.row(row).enumerated() {
                if slot >= past { out.append(m != 0 ? seen : 1) }
                seen += m != 0 ? 1 : 0
            }
        }
        return out
    }
}
