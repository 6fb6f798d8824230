import Foundation

/// Everything a `SentencePieceTokenizer` is built from (see `GGUFVocabularyLoader`).
struct SentencePieceConfiguration: Sendable {
    var tokens: [String]
    var tokenIds: [String: Int]
    var encoder: SentencePieceEncoder
    var addSpacePrefix: Bool
    var addedTokens: [(content: String, id: Int)]
    var specialIds: Set<Int>
    var normalIds: Set<Int>
    var template: PostProcessorTemplate
    /// What each token decodes to: `▁` -> space for normal tokens, the byte of a byte token,
    /// the text of control, user-defined and unknown tokens.
    var decodedBytesOfToken: [[UInt8]]
    var bosTokenId: Int?
    var eosTokenId: Int?
    var padTokenId: Int?
    var unknownTokenId: Int?
}

extension GGUFVocabularyLoader {
    /// SentencePiece (`tokenizer.ggml.model` "llama"), with llama.cpp's defaults: BOS 1, EOS 2,
    /// unknown 0 when the keys are missing, BOS added, space prefix on.
    static func sentencePieceConfiguration(_ metadata: GGUFTokenizerMetadata) throws -> SentencePieceConfiguration {
        let vocabulary = try checkedVocabulary(metadata)
        let table = vocabulary.table
        guard let scores = metadata.scores else {
            throw TokenizerError.malformedField(path: source, field: "tokenizer.ggml.scores",
                                                reason: "required field is missing (needed by model llama)")
        }
        func defaulted(_ id: Int?, _ fallback: Int) -> Int? { id ?? (fallback < table.tokens.count ? fallback : nil) }
        let bos = defaulted(metadata.bosTokenId, 1), eos = defaulted(metadata.eosTokenId, 2)
        let unknown = defaulted(metadata.unknownTokenId, 0)
        var entries = ScalarTrie(scalarCapacity: table.tokens.reduce(0) { $0 + $1.unicodeScalars.count })
        for (id, token) in table.tokens.enumerated() {
            entries.insert(token.unicodeScalars.map(\.value), id: Int32(id))
        }
        let byteTokenIds = (0..<256).map { byte -> Int32 in
            let hex = "<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">"
            if let id = table.ids[hex] { return Int32(id) }
            if byte < 128, let scalar = Unicode.Scalar(UInt32(byte)), let id = table.ids[String(scalar)] { return Int32(id) }
            return -1
        }
        let decoded = table.tokens.indices.map { id -> [UInt8] in
            let token = table.tokens[id]
            switch vocabulary.types[id] {
            case .byte: return byteValue(of: token).map { [$0] } ?? Array(token.utf8)
            case .control, .userDefined, .unknown: return Array(token.utf8)
            case .normal, .unused: return Array(token.replacingOccurrences(of: "\u{2581}", with: " ").utf8)
            }
        }
        return SentencePieceConfiguration(
            tokens: table.tokens, tokenIds: table.ids,
            encoder: SentencePieceEncoder(entries: entries, scores: scores, byteTokenIds: byteTokenIds, unknownId: unknown),
            addSpacePrefix: metadata.addSpacePrefix ?? true,
            addedTokens: vocabulary.wholeMatchTokens,
            specialIds: Set(vocabulary.ids(ofType: [.control, .unknown])),
            normalIds: Set(vocabulary.ids(ofType: [.normal])),
            template: try template(bos: bos, eos: eos, addBos: metadata.addBosToken ?? true,
                                   addEos: metadata.addEosToken ?? false),
            decodedBytesOfToken: decoded,
            bosTokenId: bos, eosTokenId: eos, padTokenId: metadata.paddingTokenId, unknownTokenId: unknown)
    }

    /// The byte of a `<0xXX>` token.
    private static func byteValue(of token: String) -> UInt8? {
        guard token.hasPrefix("<0x"), token.hasSuffix(">"), token.utf8.count == 6 else { return nil }
        return UInt8(token.dropFirst(3).dropLast(), radix: 16)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
