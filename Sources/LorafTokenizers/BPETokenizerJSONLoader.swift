import Foundation

/// Builds a `ByteLevelBPEConfiguration` from a tokenizer.json whose model is BPE: vocabulary and
/// merges, added tokens, the byte-level pre-tokenizer (see `preTokenizer(_:path:)` for the forms
/// recognised), normalizer null or NFC, the ByteLevel decoder, and the post-processor template.
/// Special-token names come from tokenizer_config.json when the folder has one.
enum BPETokenizerJSONLoader {
    /// The regexes of the Split pre-tokenizers loraf implements by hand, as real files spell them.
    static let splitRegexes: [String: ByteLevelPreTokenizerKind] = [
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .llama3,
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .qwen2,
    ]

    static func configuration(_ file: TokenizerJSONSchema, model: TokenizerJSONSchema.BPEModelSpec, path: String,
                              tokenizerConfig: (file: TokenizerConfigFile, path: String)?) throws -> ByteLevelBPEConfiguration {
        try checkModelOptions(model, path: path)
        let normalizesToNFC: Bool
        switch file.normalizer?.type {
        case nil: normalizesToNFC = false
        case "NFC": normalizesToNFC = true
        case let other?: throw TokenizerError.unsupported(path: path, field: "normalizer.type", value: "'\(other)'")
        }
        let decoder = file.decoder?.type ?? "null"
        guard decoder == "ByteLevel" else {
            throw TokenizerError.unsupported(path: path, field: "decoder.type", value: "'\(decoder)'")
        }
        var vocabulary = try VocabularyTable(tokenToId: model.vocab, path: path, field: "model.vocab")
        let addedTokens = try TokenizerJSONLoader.registerAddedTokens(
            file.addedTokens ?? [], in: &vocabulary, path: path, allowNormalized: file.normalizer == nil)
        guard let mergeEntries = model.merges else {
            throw TokenizerError.malformedField(path: path, field: "model.merges", reason: "required field is missing")
        }
        let pairs = try mergeEntries.enumerated().map { index, entry -> (left: String, right: String) in
            if let malformed = entry.malformed {
                throw TokenizerError.malformedField(path: path, field: "model.merges[\(index)]",
                                                    reason: "'\(malformed)' is not two tokens separated by a space")
            }
            return (entry.left, entry.right)
        }
        let template = try postProcessorTemplate(file.postProcessor, vocabulary: vocabulary, path: path)
        let names = try SpecialTokenNames(config: tokenizerConfig, unknownToken: model.unkToken,
                                          vocabulary: vocabulary, tokenizerPath: path)
        return ByteLevelBPEConfiguration(
            tokens: vocabulary.tokens, tokenIds: vocabulary.ids,
            merges: try BytePairMerges(pairs: pairs, tokenIds: vocabulary.ids, path: path, field: "model.merges"),
            preTokenizer: try preTokenizer(file.preTokenizer, path: path),
            normalizesToNFC: normalizesToNFC, ignoreMerges: model.ignoreMerges ?? false,
            addedTokens: addedTokens.map { ($0.content, $0.id) },
            specialIds: Set(addedTokens.filter(\.special).map(\.id)),
            plainTextIds: Set(addedTokens.filter { !$0.special }.map(\.id)),
            template: template,
            bosTokenId: names.bos ?? leadingSpecialToken(of: template), eosTokenId: names.eos,
            padTokenId: names.pad, unknownTokenId: names.unknown)
    }

    /// Refuses BPE options that change tokenization and that loraf does not implement.
    private static func checkModelOptions(_ model: TokenizerJSONSchema.BPEModelSpec, path: String) throws {
        if let dropout = model.dropout, dropout != 0 {
            throw TokenizerError.unsupported(path: path, field: "model.dropout", value: "\(dropout)")
        }
        for (value, name) in [(model.continuingSubwordPrefix, "continuing_subword_prefix"),
                              (model.endOfWordSuffix, "end_of_word_suffix")] {
            if let value, !value.isEmpty {
                throw TokenizerError.unsupported(path: path, field: "model.\(name)", value: "'\(value)'")
            }
        }
        if model.byteFallback == true {
            throw TokenizerError.unsupported(path: path, field: "model.byte_fallback", value: "true")
        }
    }

    /// The byte-level pre-tokenizer of the file: `ByteLevel` (GPT-2 regex, optional prefix
    /// space), `Sequence[Digits(individual_digits), ByteLevel]` (SmolLM), or
    /// `Sequence[Split(Llama 3 or Qwen2 regex, Isolated), ByteLevel(use_regex false)]`.
    /// - Throws: `unsupported` naming `pre_tokenizer` for anything else.
    static func preTokenizer(_ spec: TokenizerJSONSchema.PreTokenizerSpec?, path: String) throws -> ByteLevelPreTokenizer {
        func unsupported(_ detail: String) -> TokenizerError {
            .unsupported(path: path, field: "pre_tokenizer", value: detail)
        }
        guard let spec else { throw unsupported("null (byte-level BPE needs a ByteLevel pre-tokenizer)") }
        if spec.type == "ByteLevel", spec.useRegex ?? true {
            return ByteLevelPreTokenizer(kind: .gpt2, addPrefixSpace: spec.addPrefixSpace ?? false)
        }
        guard spec.type == "Sequence", let steps = spec.pretokenizers, steps.count == 2,
              steps[1].type == "ByteLevel", steps[1].addPrefixSpace != true else {
            throw unsupported("of type '\(spec.type)' (expected ByteLevel, or Digits/Split then ByteLevel)")
        }
        let first = steps[0], byteLevelRegex = steps[1].useRegex ?? true
        if first.type == "Digits", first.individualDigits == true, byteLevelRegex {
            return ByteLevelPreTokenizer(kind: .smollm, addPrefixSpace: false)
        }
        if first.type == "Split", !byteLevelRegex, first.behavior == "Isolated", first.invert != true,
           let regex = first.pattern?.regex, let kind = splitRegexes[regex] {
            return ByteLevelPreTokenizer(kind: kind, addPrefixSpace: false)
        }
        throw unsupported("Sequence starting with \(first.type) \(first.pattern?.regex.map { "'\($0)'" } ?? "")"
                          + " (known: Digits with individual_digits, Split with the Llama 3 or Qwen2 regex)")
    }

    /// The template of `post_processor`: TemplateProcessing, ByteLevel (adds nothing), or a
    /// Sequence of those.
    private static func postProcessorTemplate(_ processor: TokenizerJSONSchema.PostProcessor?,
                                              vocabulary: VocabularyTable, path: String) throws -> PostProcessorTemplate {
        guard let processor else { return .none }
        switch processor.type {
        case "ByteLevel":
            return .none
        case "Sequence":
            let steps = (processor.processors ?? []).filter { $0.type != "ByteLevel" }
            guard steps.count <= 1 else {
                throw TokenizerError.unsupported(path: path, field: "post_processor.processors",
                                                 value: "\(steps.count) steps besides ByteLevel")
            }
            return try TokenizerJSONLoader.template(steps.first, vocabulary: vocabulary, path: path)
        default:
            return try TokenizerJSONLoader.template(processor, vocabulary: vocabulary, path: path)
        }
    }

    private static func leadingSpecialToken(of template: PostProcessorTemplate) -> Int? {
        if case let .special(ids, _)? = template.single.first { return ids.first }
        return nil
    }
}
