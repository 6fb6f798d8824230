/// A SentencePiece-style vocabulary as Llama 2 GGUF files hold it (`tokenizer.ggml.model`
/// "llama": tokens, scores, token types, `▁` for spaces, `<0xXX>` byte-fallback tokens), encoding
/// and decoding as llama.cpp's SPM tokenizer does.
///
/// Encoding: control, user-defined and unknown tokens written in the text are matched whole;
/// each text between them gets a leading space when `addSpacePrefix` is set and it starts the
/// input or follows a matched token (llama.cpp's rule), spaces become `▁`, and
/// `SentencePieceEncoder` merges by score. With special tokens added, BOS (and EOS if the
/// metadata says so) go around the text.
///
/// Decoding: `▁` becomes a space, byte tokens their byte; with `addSpacePrefix` the space that
/// the first token starts with is removed, as SentencePiece does (so `decode(encode(t)) == t`).
public struct SentencePieceTokenizer: Tokenizer {
    public let bosTokenId: Int?
    public let eosTokenId: Int?
    public let padTokenId: Int?
    public let unknownTokenId: Int?
    /// Whether a space is put before the text (`tokenizer.ggml.add_space_prefix`).
    public let addSpacePrefix: Bool

    private let tokens: [String]
    private let tokenIds: [String: Int]
    private let encoder: SentencePieceEncoder
    private let addedTokens: AddedTokenMatcher
    private let specialIds: Set<Int>
    /// Normal tokens, whose leading space is the dummy prefix when they come first.
    private let normalIds: Set<Int>
    private let template: PostProcessorTemplate
    private let tokenBytes: TokenByteTable

    init(_ configuration: SentencePieceConfiguration) {
        tokens = configuration.tokens
        tokenIds = configuration.tokenIds
        encoder = configuration.encoder
        addedTokens = AddedTokenMatcher(tokens: configuration.addedTokens)
        specialIds = configuration.specialIds
        normalIds = configuration.normalIds
        template = configuration.template
        addSpacePrefix = configuration.addSpacePrefix
        bosTokenId = configuration.bosTokenId
        eosTokenId = configuration.eosTokenId
        padTokenId = configuration.padTokenId
        unknownTokenId = configuration.unknownTokenId
        tokenBytes = TokenByteTable(configuration.decodedBytesOfToken)
    }

    public var vocabSize: Int { tokens.count }
    public func id(for token: String) -> Int? { tokenIds[token] }
    public func token(for id: Int) -> String? { id >= 0 && id < tokens.count ? tokens[id] : nil }
    public func isSpecial(_ id: Int) -> Bool { specialIds.contains(id) }

    /// The ids of `text`; with `addSpecialTokens`, BOS/EOS as the metadata's add flags say.
    public func encodeIds(_ text: String, addSpecialTokens: Bool) -> [Int] {
        let scalars = text.unicodeScalars.map(\.value)
        var ids: [Int] = []
        var previousWasToken = true
        for segment in addedTokens.segments(of: scalars) {
            switch segment {
            case let .token(id, _):
                ids.append(id)
                previousWasToken = true
            case let .text(range):
                var part: [UInt32] = addSpacePrefix && previousWasToken ? [0x20] : []
                part += scalars[range]
                encoder.appendIds(of: part.map { $0 == 0x20 ? 0x2581 : $0 }, to: &ids)
                previousWasToken = false
            }
        }
        guard addSpecialTokens else { return ids }
        return template.single.flatMap { piece -> [Int] in
            if case let .special(specialIds, _) = piece { return specialIds }
            return ids
        }
    }

    public func decodedBytes(_ ids: [Int], skipSpecialTokens: Bool) throws -> [UInt8] {
        let skip = { (id: Int) in skipSpecialTokens && specialIds.contains(id) }
        var bytes = try tokenBytes.decode(ids, skip: skip)
        if addSpacePrefix, let first = ids.first(where: { !skip($0) }), normalIds.contains(first), bytes.first == 0x20 {
            bytes.removeFirst()
        }
        return bytes
    }
}
