import Foundation
import LorafTensor

/// Picks next tokens from logits by ``SamplingOptions``; one generator stream per batch row, so a row's draws do
/// not depend on the other rows.
public struct TokenSampler {
    public let options: SamplingOptions
    private var generators: [RandomGenerator]

    /// - Throws: `GenerationError.invalidOption` for an option out of range.
    public init(_ options: SamplingOptions, rows: Int) throws {
        try options.validate()
        self.options = options
        generators = (0..<rows).map { RandomGenerator(seed: options.seed, stream: UInt64(100 + $0)) }
    }

    /// The next token of `row` given its `logits` over the vocabulary and the ids of its sequence so far.
    public mutating func next(row: Int, logits: UnsafeBufferPointer<Float>, previous: [Int]) -> Int {
        var scores = Array(logits)
        if options.repetitionPenalty != 1 {
            for id in Set(previous) where id >= 0 && id < scores.count {
                scores[id] = scores[id] < 0 ? scores[id] * options.repetitionPenalty : scores[id] / options.repetitionPenalty
            }
        }
        guard options.temperature > 0 else { return argmax(scores) }
        for i in scores.indices { scores[i] /= options.temperature }
        var candidates = scores.indices.sorted { scores[$0] > scores[$1] }
        if options.topK > 0 { candidates = Array(candidates.prefix(options.topK)) }
        var probabilities = softmax(candidates.map { scores[$0] })
        if options.topP < 1 {
            var total: Float = 0, keep = 0
            // Keep tokens until the mass before them reaches top_p (the most likely token always stays).
            while keep < probabilities.count && (keep == 0 || total < options.topP) { total += probabilities[keep]; keep += 1 }
            candidates = Array(candidates.prefix(keep))
            probabilities = softmax(candidates.map { scores[$0] })
        }
        if options.minP > 0, let top = probabilities.first {
            let keep = Swift.max(1, probabilities.prefix { $0 >= options.minP * top }.count)
            candidates = Array(candidates.prefix(keep))
            probabilities = softmax(candidates.map { scores[$0] })
        }
        var u = generators[row].nextUniform()
        for (i, p) in probabilities.enumerated() {
            if u < p { return candidates[i] }
            u -= p
        }
        return candidates[candidates.count - 1]
    }

    private func argmax(_ scores: [Float]) -> Int {
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        return best
    }

    private func softmax(_ values: [Float]) -> [Float] {
        guard let top = values.max() else { return [] }
        let e = values.map { Float(Foundation.exp(Double($0 - top))) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}
