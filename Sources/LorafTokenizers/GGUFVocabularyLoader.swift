/// Checks `GGUFTokenizerMetadata` and turns it into a BPE or SentencePiece configuration with
/// llama.cpp's rules (llama-vocab.cpp): control, user-defined and unknown tokens are matched
/// whole in text; control and unknown tokens are special (skipped when decoding); defaults for
/// missing keys are llama.cpp's.
enum GGUFVocabularyLoader {
    /// What errors name as the file: the metadata, whichever GGUF it came from.
    static let source = "GGUF metadata"

    /// The parts every vocabulary has, checked.
    struct CheckedVocabulary {
        var table: VocabularyTable
        var types: [GGUFTokenType]

        func ids(ofType wanted: Set<GGUFTokenType>) -> [Int] {
            types.indices.filter { wanted.contains(types[$0]) }
        }

        /// Tokens matched whole in raw text (llama.cpp's special-token cache).
        var wholeMatchTokens: [(content: String, id: Int)] {
            ids(ofType: [.control, .userDefined, .unknown]).map { (table.tokens[$0], $0) }
        }
    }

    static func checkedVocabulary(_ metadata: GGUFTokenizerMetadata) throws -> CheckedVocabulary {
        let count = metadata.tokens.count
        guard count > 0 else {
            throw TokenizerError.malformedField(path: source, field: "tokenizer.ggml.tokens", reason: "is empty")
        }
        func checkLength(_ length: Int?, key: String) throws {
            guard let length, length != count else { return }
            throw TokenizerError.malformedField(
                path: source, field: key, reason: "has \(length) entries but tokenizer.ggml.tokens has \(count)")
        }
        try checkLength(metadata.tokenTypes?.count, key: "tokenizer.ggml.token_type")
        try checkLength(metadata.scores?.count, key: "tokenizer.ggml.scores")
        for (id, key) in [(metadata.bosTokenId, "bos_token_id"), (metadata.eosTokenId, "eos_token_id"),
                          (metadata.unknownTokenId, "unknown_token_id"), (metadata.paddingTokenId, "padding_token_id")] {
            if let id, id < 0 || id >= count {
                throw TokenizerError.malformedField(path: source, field: "tokenizer.ggml.\(key)",
                                                    reason: "id \(id) is outside the vocabulary 0..<\(count)")
            }
        }
        let table = VocabularyTable(orderedTokens: metadata.tokens)
        if table.ids.count != count, let repeated = firstRepeatedToken(metadata.tokens) {
            throw TokenizerError.malformedField(
                path: source, field: "tokenizer.ggml.tokens",
                reason: "token '\(repeated.token)' appears at ids \(repeated.first) and \(repeated.second)")
        }
        let types = (metadata.tokenTypes ?? []).map { GGUFTokenType(rawValue: $0) ?? .normal }
        return CheckedVocabulary(table: table, types: types.isEmpty ? Array(repeating: .normal, count: count) : types)
    }

    private static func firstRepeatedToken(_ tokens: [String]) -> (token: String, first: Int, second: Int)? {
        var seen: [String: Int] = [:]
        for (id, token) in tokens.enumerated() {
            if let first = seen[token] { return (token, first, id) }
            seen[token] = id
        }
        return nil
    }

    /// `[BOS] A [EOS]` as the add flags say.
    static func template(bos: Int?, eos: Int?, addBos: Bool, addEos: Bool) throws -> PostProcessorTemplate {
        func special(_ id: Int?, flag: Bool, key: String) throws -> [TemplatePiece] {
            guard flag else { return [] }
            guard let id else {
                throw TokenizerError.malformedField(path: source, field: "tokenizer.ggml.\(key)_token_id",
                                                    reason: "is needed because tokenizer.ggml.add_\(key)_token is true")
            }
            return [.special(ids: [id], typeId: 0)]
        }
        let single = try special(bos, flag: addBos, key: "bos") + [.sequence(index: 0, typeId: 0)]
            + special(eos, flag: addEos, key: "eos")
        return PostProcessorTemplate(single: single, pair: single)
    }

    /// Byte-level BPE (`tokenizer.ggml.model` "gpt2").
    static func bpeConfiguration(_ metadata: GGUFTokenizerMetadata) throws -> ByteLevelBPEConfiguration {
        let vocabulary = try checkedVocabulary(metadata)
        let preName = metadata.preTokenizer ?? "default"
        guard let kind = ByteLevelPreTokenizerKind(ggufName: preName) else {
            throw TokenizerError.unsupported(path: source, field: "tokenizer.ggml.pre",
                                             value: "'\(preName)' (supported: gpt2, llama3, qwen2, smollm families)")
        }
        guard let mergeStrings = metadata.merges else {
            throw TokenizerError.malformedField(path: source, field: "tokenizer.ggml.merges",
                                                reason: "required field is missing (needed by model gpt2)")
        }
        let pairs = try mergeStrings.enumerated().map { index, merge in
            try BytePairMerges.splitGGUFMerge(merge, path: source, field: "tokenizer.ggml.merges[\(index)]")
        }
        let table = vocabulary.table
        return ByteLevelBPEConfiguration(
            tokens: table.tokens, tokenIds: table.ids,
            merges: try BytePairMerges(pairs: pairs, tokenIds: table.ids, path: source, field: "tokenizer.ggml.merges"),
            preTokenizer: ByteLevelPreTokenizer(kind: kind, addPrefixSpace: false),
            normalizesToNFC: false, ignoreMerges: kind == .llama3,
            addedTokens: vocabulary.wholeMatchTokens,
            specialIds: Set(vocabulary.ids(ofType: [.control, .unknown])),
            plainTextIds: Set(vocabulary.ids(ofType: [.userDefined])),
            template: try template(bos: metadata.bosTokenId, eos: metadata.eosTokenId,
                                   addBos: metadata.addBosToken ?? (kind == .llama3),
                                   addEos: metadata.addEosToken ?? false),
            bosTokenId: metadata.bosTokenId, eosTokenId: metadata.eosTokenId,
            padTokenId: metadata.paddingTokenId, unknownTokenId: metadata.unknownTokenId)
    }
}
