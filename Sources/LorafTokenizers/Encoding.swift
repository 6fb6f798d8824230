/// The result of encoding one text or one pair of texts. All arrays have one entry per token.
public struct Encoding: Equatable, Sendable {
    /// Vocabulary ids, special tokens included.
    public var ids: [Int]
    /// Segment of each token: 0 for the first text (and its [CLS]/[SEP]), 1 for the pair text.
    public var tokenTypeIds: [Int]
    /// 1 for a real token, 0 for padding.
    public var attentionMask: [Int]
    /// Token strings (`##` kept on continuation pieces).
    public var tokens: [String]
    /// Where each token came from, as a range of Unicode-scalar indices into its own input text
    /// (the first text or the pair text, see `sequenceIds`); `0..<0` for special and pad tokens.
    public var offsets: [Range<Int>]
    /// 0 or 1 for a token of the first or pair text, `nil` for special and pad tokens.
    public var sequenceIds: [Int?]

    /// Number of tokens.
    public var count: Int { ids.count }
}

/// A padded batch: row-major `[batchSize, sequenceLength]` matrices, right-padded with the pad id
/// (attention mask 0, token type = the pad type id).
public struct BatchEncoding: Equatable, Sendable {
    public var batchSize: Int
    public var sequenceLength: Int
    /// `[batchSize, sequenceLength]`, row-major.
    public var inputIds: [Int32]
    /// `[batchSize, sequenceLength]`, row-major; 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]
    /// `[batchSize, sequenceLength]`, row-major.
    public var tokenTypeIds: [Int32]
    /// The padded per-row encodings (tokens and offsets included).
    public var encodings: [Encoding]
}

/// How `encodeBatch` pads its rows.
public enum BatchPadding: Equatable, Sendable {
    /// Pad every row to the longest row of the batch.
    case longest
    /// Pad (and truncate) every row to the batch's maximum length: the `maxLength` argument, else
    /// the tokenizer.json fixed padding length, else the truncation length.
    case maxLength
}

/// The tokens of one input text before special tokens are added: ids and scalar offsets.
struct TokenizedText {
    var ids: [Int] = []
    var offsets: [Range<Int>] = []

    var count: Int { ids.count }

    /// Keeps `length` tokens, cutting at the end (`.right`) or at the start (`.left`).
    mutating func truncate(to length: Int, direction: TruncationSettings.Direction) {
        guard length < ids.count else { return }
        switch direction {
        case .right:
            ids.removeSubrange(length...)
            offsets.removeSubrange(length...)
        case .left:
            ids.removeSubrange(..<(ids.count - length))
            offsets.removeSubrange(..<(offsets.count - length))
        }
    }
}
