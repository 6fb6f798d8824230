/// Everything a `ByteLevelBPETokenizer` is built from, whichever source it was read from
/// (tokenizer.json or GGUF metadata). The loaders check it; the tokenizer only uses it.
struct ByteLevelBPEConfiguration: Sendable {
    /// Token strings in id order (model vocabulary, then added tokens).
    var tokens: [String]
    var tokenIds: [String: Int]
    var merges: BytePairMerges
    var preTokenizer: ByteLevelPreTokenizer
    /// Qwen2's tokenizer.json normalizer: NFC before pre-tokenization.
    var normalizesToNFC: Bool
    var ignoreMerges: Bool
    /// Tokens matched whole in the raw text before anything else, with their ids.
    var addedTokens: [(content: String, id: Int)]
    /// Ids left out by `decode(skipSpecialTokens: true)`; also decoded as their plain text.
    var specialIds: Set<Int>
    /// Added tokens that are not special (decoded as their plain text too).
    var plainTextIds: Set<Int>
    /// BOS/EOS around a text when special tokens are added (only `single` is used).
    var template: PostProcessorTemplate
    var bosTokenId: Int?
    var eosTokenId: Int?
    var padTokenId: Int?
    var unknownTokenId: Int?
}
