/// When generation stops and how tokens are chosen.
public struct GenerationOptions {
    /// At most this many new tokens per row.
    public var maxNewTokens = 64
    public var sampling = SamplingOptions()
    /// Token ids that end a row (the tokenizer's EOS and the chat template's end-of-turn token); the stop token is
    /// kept in the row's ids, as transformers returns it.
    public var stopTokenIds: Set<Int> = []
    /// A row ends when its generated text contains one of these; the text is cut before it.
    public var stopStrings: [String] = []
    /// Decode steps (one new token per row, after the prompt's prefill) round the inputs of the quantized linear
    /// layers to int8 blocks (`ForwardContext.integerActivations`): faster on CPUs with AVX-512 VNNI for Q4_0,
    /// Q4_1 and Q8_0 weights, with logits that move by the rounding (docs/kernels.md); elsewhere no effect. The
    /// prefill pass always computes in Float32. Default false.
    public var integerActivations = false

    /// Defaults: 64 new tokens, greedy, no stop tokens or strings (``LanguageModel`` adds the tokenizer's EOS),
    /// Float32 activations.
    public init(maxNewTokens: Int = 64, sampling: SamplingOptions = SamplingOptions(), stopTokenIds: Set<Int> = [],
                stopStrings: [String] = [], integerActivations: Bool = false) {
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.stopTokenIds = stopTokenIds
        self.stopStrings = stopStrings
        self.integerActivations = integerActivations
    }

    /// - Throws: `GenerationError.invalidOption` naming the option out of range.
    public func validate() throws {
        guard maxNewTokens >= 0, maxNewTokens <= 1 << 20 else {
            throw GenerationError.invalidOption("max_new_tokens must be in 0...\(1 << 20), got \(maxNewTokens)")
        }
        guard !stopStrings.contains("") else { throw GenerationError.invalidOption("stop strings must not be empty") }
        try sampling.validate()
    }
}

/// One row's result: the new token ids (a stop token included), the text they decode to (cut before a stop
/// string) and why the row ended.
public struct GeneratedSequence: Equatable {
    /// Why a row ended: a stop token, a stop string, `max_new_tokens`, or the streaming callback returned false.
    public enum FinishReason: String { case stopToken = "stop_token", stopString = "stop_string", length, cancelled }
    public var tokenIds: [Int]
    public var text: String
    public var finishReason: FinishReason
}
