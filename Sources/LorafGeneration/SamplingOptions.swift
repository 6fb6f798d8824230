/// How the next token is chosen from the logits, with transformers' `generate` semantics: the repetition penalty
/// first, then temperature, top-k, top-p and min-p filtering, then a draw from the softmax (or the argmax when
/// `temperature` is 0: greedy decoding).
public struct SamplingOptions: Equatable {
    /// 0: greedy (argmax). Otherwise logits are divided by it before sampling.
    public var temperature: Float = 0
    /// Keep only the k most likely tokens (0: off).
    public var topK: Int = 0
    /// Keep the smallest set of most likely tokens whose probabilities add up to at least `topP` (1: off).
    public var topP: Float = 1
    /// Drop tokens whose probability is below `minP` × the top token's probability (0: off).
    public var minP: Float = 0
    /// CTRL's penalty (Keskar et al. 2019) on tokens already in the sequence, as transformers applies it: a positive
    /// logit is divided by it, a negative one multiplied (1: off).
    public var repetitionPenalty: Float = 1
    /// Seeds the draws (each row of a batch draws from its own stream).
    public var seed: UInt64 = 0

    /// Defaults turn every filter off and decode greedily.
    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, repetitionPenalty: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
    }

    /// Checks the ranges. - Throws: `GenerationError.invalidOption` naming the option and its valid range.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ range: String, _ value: CustomStringConvertible) throws {
            guard ok else { throw GenerationError.invalidOption("\(name) must be \(range), got \(value)") }
        }
        try check(temperature >= 0 && temperature.isFinite, "temperature", "a finite number >= 0", temperature)
        try check(topK >= 0, "top_k", ">= 0", topK)
        try check(topP > 0 && topP <= 1, "top_p", "in (0, 1]", topP)
        try check(minP >= 0 && minP <= 1, "min_p", "in [0, 1]", minP)
        try check(repetitionPenalty > 0 && repetitionPenalty.isFinite, "repetition_penalty", "a finite number > 0", repetitionPenalty)
    }
}

/// Errors of generation: bad options and bad prompts, each message naming what is wrong.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)
    case invalidPrompt(String)

    public var description: String {
        switch self {
        case let .invalidOption(message), let .invalidPrompt(message): return message
        }
    }
}
