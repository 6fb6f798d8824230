/// The `tokenizer.ggml.*` metadata of a GGUF file as plain values, the input of
/// `AutoTokenizer.load(gguf:)`. Whoever reads the GGUF fills it (LorafTokenizers does not depend
/// on the GGUF reader); each field names its key. Array fields hold one entry per token id.
public struct GGUFTokenizerMetadata: Sendable, Equatable {
    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece).
    public var model: String
    /// `tokenizer.ggml.pre`: the pre-tokenizer kind of a BPE vocabulary ("smollm", "llama-bpe", ...).
    public var preTokenizer: String?
    /// `tokenizer.ggml.tokens`.
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    public var tokenTypes: [Int32]?
    /// `tokenizer.ggml.scores` (SentencePiece: higher merges first).
    public var scores: [Float]?
    /// `tokenizer.ggml.merges` (BPE: "left right", best first).
    public var merges: [String]?
    /// `tokenizer.ggml.bos_token_id`, `eos_token_id`, `unknown_token_id`, `padding_token_id`.
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var unknownTokenId: Int?
    public var paddingTokenId: Int?
    /// `tokenizer.ggml.add_bos_token` / `add_eos_token`; `nil` means llama.cpp's default for the
    /// model (BOS for "llama" and the Llama 3 pre-tokenizer, no EOS).
    public var addBosToken: Bool?
    public var addEosToken: Bool?
    /// `tokenizer.ggml.add_space_prefix` (SentencePiece; `nil` means true).
    public var addSpacePrefix: Bool?

    public init(model: String, preTokenizer: String? = nil, tokens: [String], tokenTypes: [Int32]? = nil,
                scores: [Float]? = nil, merges: [String]? = nil, bosTokenId: Int? = nil, eosTokenId: Int? = nil,
                unknownTokenId: Int? = nil, paddingTokenId: Int? = nil, addBosToken: Bool? = nil,
                addEosToken: Bool? = nil, addSpacePrefix: Bool? = nil) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.scores = scores
        self.merges = merges
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.unknownTokenId = unknownTokenId
        self.paddingTokenId = paddingTokenId
        self.addBosToken = addBosToken
        self.addEosToken = addEosToken
        self.addSpacePrefix = addSpacePrefix
    }
}

/// GGUF token types (`tokenizer.ggml.token_type`), as llama.cpp and SentencePiece number them.
enum GGUFTokenType: Int32 {
    case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}
