/// What every loraf tokenizer offers: text to ids and back, the vocabulary, and the ids of the
/// special tokens a model needs (beginning and end of sequence, padding, unknown).
///
/// `WordPieceTokenizer` (BERT), `ByteLevelBPETokenizer` (GPT-2, Llama 3, SmolLM, Qwen2) and
/// `SentencePieceTokenizer` (Llama 2 style vocabularies from GGUF) conform. Load one with
/// `AutoTokenizer`, which picks the kind from the file. Ids count from 0 as in the vocabulary.
///
/// ```swift
/// let tokenizer = try AutoTokenizer.load(modelDirectory: folder)
/// let ids = try tokenizer.encodeIds("Hello", addSpecialTokens: false)   // [19556]
/// try tokenizer.decode(ids, skipSpecialTokens: true)                    // "Hello"
/// ```
///
/// Values are immutable and can be shared between threads. See also `StreamingDecoder`, which
/// turns ids produced one at a time into complete UTF-8 text.
public protocol Tokenizer: Sendable {
    /// Number of ids: the model vocabulary plus added tokens (valid ids are `0..<vocabSize`).
    var vocabSize: Int { get }

    /// The id of `token` (as the vocabulary spells it, e.g. `Ġthe` for byte-level BPE), or `nil`.
    func id(for token: String) -> Int?

    /// The vocabulary entry of `id`, or `nil` when `id` is outside `0..<vocabSize`.
    func token(for id: Int) -> String?

    /// Beginning-of-sequence id, when the tokenizer has one (`<s>`, `<|begin_of_text|>`).
    var bosTokenId: Int? { get }
    /// End-of-sequence id, when the tokenizer has one (`</s>`, `<|im_end|>` for SmolLM2).
    var eosTokenId: Int? { get }
    /// Padding id, when the tokenizer has one.
    var padTokenId: Int? { get }
    /// Unknown-token id, when the tokenizer has one.
    var unknownTokenId: Int? { get }

    /// Whether `id` is a special token (left out by `decode(_:skipSpecialTokens: true)`).
    func isSpecial(_ id: Int) -> Bool

    /// Encodes `text` into ids. Special tokens written in the text (such as `<|im_start|>`) are
    /// matched whole. With `addSpecialTokens`, the tokens the tokenizer adds around a text
    /// (BERT's [CLS]/[SEP], a BOS for Llama) are added too.
    /// - Throws: `TokenizerError` where a tokenizer can fail (WordPiece truncation settings).
    func encodeIds(_ text: String, addSpecialTokens: Bool) throws -> [Int]

    /// The text of `ids`; special tokens are left out when `skipSpecialTokens` is true. Byte
    /// sequences that are not valid UTF-8 become U+FFFD, as Hugging Face decoders do.
    /// - Throws: `TokenizerError.invalidArgument` naming the first id outside the vocabulary.
    func decode(_ ids: [Int], skipSpecialTokens: Bool) throws -> String

    /// The UTF-8 bytes `decode` would turn into text, before invalid sequences are replaced
    /// (what `StreamingDecoder` needs to hold back a character split across tokens).
    /// - Throws: as `decode`.
    func decodedBytes(_ ids: [Int], skipSpecialTokens: Bool) throws -> [UInt8]
}

extension Tokenizer {
    /// `encodeIds(text, addSpecialTokens: true)`.
    public func encodeIds(_ text: String) throws -> [Int] {
        try encodeIds(text, addSpecialTokens: true)
    }

    /// The text of `ids`: UTF-8 of `decodedBytes`, invalid sequences replaced by U+FFFD (each
    /// maximal invalid subpart once, as Rust's `String::from_utf8_lossy` and Swift do).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool) throws -> String {
        String(decoding: try decodedBytes(ids, skipSpecialTokens: skipSpecialTokens), as: UTF8.self)
    }
}
