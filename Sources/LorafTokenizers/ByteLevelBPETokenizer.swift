import Foundation

/// Byte-level BPE (GPT-2, Llama 3, SmolLM, Qwen2), giving the ids of Hugging Face `tokenizers`
/// and llama.cpp for the same vocabulary.
///
/// Encoding: added/special tokens (`<|im_start|>`) are matched whole in the raw text, leftmost
/// longest first; each text between them is (optionally NFC-normalized and) cut into pieces by
/// the pre-tokenizer (`ByteLevelPreTokenizerKind`); each piece's UTF-8 bytes become alphabet
/// tokens (`ByteLevelAlphabet`) that the ranked merges combine (`BytePairModel`, cached per
/// piece). Decoding maps each token back to its bytes and the bytes to UTF-8 text.
///
/// ```swift
/// let tokenizer = try AutoTokenizer.load(modelDirectory: folder)      // tokenizer.json
/// try tokenizer.encodeIds("Hello, world!", addSpecialTokens: false)   // [19556, 28, 905, 17]
/// ```
///
/// Build one with `AutoTokenizer` (tokenizer.json or `GGUFTokenizerMetadata`).
public struct ByteLevelBPETokenizer: Tokenizer {
    public let bosTokenId: Int?
    public let eosTokenId: Int?
    public let padTokenId: Int?
    public let unknownTokenId: Int?
    /// The pre-tokenizer rules in use.
    public var preTokenizerKind: ByteLevelPreTokenizerKind { preTokenizer.kind }

    private let tokens: [String]
    private let tokenIds: [String: Int]
    private let model: BytePairModel
    private let preTokenizer: ByteLevelPreTokenizer
    private let normalizesToNFC: Bool
    private let addedTokens: AddedTokenMatcher
    private let specialIds: Set<Int>
    private let template: PostProcessorTemplate
    private let tokenBytes: TokenByteTable

    init(_ configuration: ByteLevelBPEConfiguration) {
        tokens = configuration.tokens
        tokenIds = configuration.tokenIds
        model = BytePairModel(merges: configuration.merges, tokenIds: configuration.tokenIds,
                              ignoreMerges: configuration.ignoreMerges, unknownId: configuration.unknownTokenId)
        preTokenizer = configuration.preTokenizer
        normalizesToNFC = configuration.normalizesToNFC
        addedTokens = AddedTokenMatcher(tokens: configuration.addedTokens)
        specialIds = configuration.specialIds
        template = configuration.template
        bosTokenId = configuration.bosTokenId
        eosTokenId = configuration.eosTokenId
        padTokenId = configuration.padTokenId
        unknownTokenId = configuration.unknownTokenId
        let plainText = configuration.specialIds.union(configuration.plainTextIds)
        tokenBytes = TokenByteTable(configuration.tokens.enumerated().map { id, token in
            plainText.contains(id) ? Array(token.utf8) : ByteLevelAlphabet.bytes(spelledBy: token) ?? Array(token.utf8)
        })
    }

    // MARK: Vocabulary

    public var vocabSize: Int { tokens.count }
    public func id(for token: String) -> Int? { tokenIds[token] }
    public func token(for id: Int) -> String? { id >= 0 && id < tokens.count ? tokens[id] : nil }
    public func isSpecial(_ id: Int) -> Bool { specialIds.contains(id) }

    // MARK: Encoding and decoding

    /// The ids of `text`; with `addSpecialTokens`, the template's BOS/EOS around them (for
    /// example a BOS for Llama 3; nothing for SmolLM2). Never fails.
    public func encodeIds(_ text: String, addSpecialTokens: Bool) -> [Int] {
        let ids = tokenize(text)
        guard addSpecialTokens else { return ids }
        var result: [Int] = []
        for piece in template.single {
            switch piece {
            case let .special(specialIds, _): result += specialIds
            case .sequence: result += ids
            }
        }
        return result
    }

    public func decodedBytes(_ ids: [Int], skipSpecialTokens: Bool) throws -> [UInt8] {
        try tokenBytes.decode(ids) { skipSpecialTokens && specialIds.contains($0) }
    }

    /// Added-token matching, pre-tokenization and BPE for one text, no template.
    private func tokenize(_ text: String) -> [Int] {
        let scalars = text.unicodeScalars.map(\.value)
        var ids: [Int] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        var pieces: [Range<Int>] = []
        var word: [UInt8] = []
        for segment in addedTokens.segments(of: scalars) {
            switch segment {
            case let .token(id, _):
                ids.append(id)
            case let .text(range):
                let part = prepared(scalars[range])
                pieces.removeAll(keepingCapacity: true)
                preTokenizer.appendPieces(of: part, to: &pieces)
                for piece in pieces {
                    word.removeAll(keepingCapacity: true)
                    for value in part[piece] {
                        if let scalar = Unicode.Scalar(value) { UTF8.encode(scalar) { word.append($0) } }
                    }
                    model.appendIds(ofWord: word, to: &ids)
                }
            }
        }
        return ids
    }

    /// One text between added tokens, NFC-normalized and with its prefix space when configured.
    private func prepared(_ scalars: ArraySlice<UInt32>) -> [UInt32] {
        var part = Array(scalars)
        if normalizesToNFC {
            let text = String(String.UnicodeScalarView(part.compactMap(Unicode.Scalar.init)))
            part = text.precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        }
        if preTokenizer.addPrefixSpace, part.first != 0x20 { part.insert(0x20, at: 0) }
        return part
    }
}
