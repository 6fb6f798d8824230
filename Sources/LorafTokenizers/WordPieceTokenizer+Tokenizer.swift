/// WordPiece as a `Tokenizer`: no BOS/EOS (BERT uses [CLS]/[SEP], added by `encode`), pad and
/// unknown ids from `specialTokenIds`.
extension WordPieceTokenizer: Tokenizer {
    public var bosTokenId: Int? { nil }
    public var eosTokenId: Int? { nil }
    public var padTokenId: Int? { specialTokenIds.pad }
    public var unknownTokenId: Int? { specialTokenIds.unk }

    public func isSpecial(_ id: Int) -> Bool { specialIds.contains(id) }

    /// The ids of `encode(text, addSpecialTokens:)`, with the tokenizer's `truncation`.
    public func encodeIds(_ text: String, addSpecialTokens: Bool) throws -> [Int] {
        try encode(text, addSpecialTokens: addSpecialTokens).ids
    }

    /// UTF-8 of `decode(ids, skipSpecialTokens:)` (WordPiece pieces are whole strings).
    public func decodedBytes(_ ids: [Int], skipSpecialTokens: Bool) throws -> [UInt8] {
        Array(try decode(ids, skipSpecialTokens: skipSpecialTokens).utf8)
    }
}
