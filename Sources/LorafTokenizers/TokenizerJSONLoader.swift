import Foundation

/// Builds a `TokenizerConfiguration` from a Hugging Face tokenizer.json (BertNormalizer,
/// BertPreTokenizer, WordPiece, TemplateProcessing/BertProcessing, WordPiece decoder).
enum TokenizerJSONLoader {
    static func load(_ url: URL, tokenizerConfig: TokenizerConfigFile?) throws -> TokenizerConfiguration {
        try configuration(JSONFileReading.decode(TokenizerJSONSchema.self, from: url),
                          path: url.path, tokenizerConfig: tokenizerConfig)
    }

    /// The WordPiece configuration of a decoded file.
    /// - Throws: `unsupported` naming `model.type` for another model, and as `load`.
    static func configuration(_ file: TokenizerJSONSchema, path: String,
                              tokenizerConfig: TokenizerConfigFile?) throws -> TokenizerConfiguration {
        guard case let .wordPiece(model) = file.model else {
            throw TokenizerError.unsupported(path: path, field: "model.type", value: "'\(file.model.typeName)'")
        }
        let preTokenizer = file.preTokenizer?.type ?? "null"
        guard preTokenizer == "BertPreTokenizer" else {
            throw TokenizerError.unsupported(path: path, field: "pre_tokenizer.type", value: "'\(preTokenizer)'")
        }
        var vocabulary = try VocabularyTable(tokenToId: model.vocab, path: path, field: "model.vocab")
        let addedTokens = try registerAddedTokens(file.addedTokens ?? [], in: &vocabulary, path: path)
        let unknownId = try vocabulary.requireId(of: model.unkToken, path: path, field: "model.unk_token")
        let maxChars = model.maxInputCharsPerWord ?? 100
        guard maxChars > 0 else {
            throw TokenizerError.malformedField(path: path, field: "model.max_input_chars_per_word",
                                                reason: "must be positive, found \(maxChars)")
        }
        let wordPiece = WordPieceModel(tokens: vocabulary.tokens, ids: vocabulary.ids, unknownId: unknownId,
                                       continuingSubwordPrefix: model.continuingSubwordPrefix ?? "##",
                                       maxInputCharsPerWord: maxChars)
        let specialTokenIds = try TokenizerConfigFile.specialTokenIds(
            tokenizerConfig, unknownToken: model.unkToken, padToken: file.padding?.padToken,
            vocabulary: vocabulary, path: path, vocabularyField: "model.vocab")
        let decoder = try decoderSettings(file.decoder, path: path)
        return TokenizerConfiguration(
            normalizer: try normalizerOptions(file.normalizer, path: path),
            model: wordPiece,
            addedTokens: addedTokens.map { ($0.content, $0.id) },
            specialIds: Set(addedTokens.filter(\.special).map(\.id)),
            template: try template(file.postProcessor, vocabulary: vocabulary, path: path),
            truncation: try truncation(file.truncation, path: path),
            padding: try padding(file.padding, defaultPadId: specialTokenIds.pad, vocabulary: vocabulary, path: path),
            specialTokenIds: specialTokenIds,
            decoderPrefix: decoder.prefix,
            decoderCleanup: decoder.cleanup)
    }

    /// Checks the added tokens and gives each its vocabulary id (existing, or the next one).
    /// - Throws: `unsupported` for `single_word`/`lstrip`/`rstrip`/`normalized` set to true.
    /// `allowNormalized` accepts `normalized: true`, which matches the same text when the file has
    /// no normalizer.
    static func registerAddedTokens(_ tokens: [TokenizerJSONSchema.AddedToken],
                                    in vocabulary: inout VocabularyTable, path: String,
                                    allowNormalized: Bool = false) throws -> [TokenizerJSONSchema.AddedToken] {
        for (index, token) in tokens.enumerated().sorted(by: { $0.element.id < $1.element.id }) {
            let field = "added_tokens[\(index)]"
            for (flag, name) in [(token.singleWord, "single_word"), (token.lstrip, "lstrip"),
                                 (token.rstrip, "rstrip"), (allowNormalized ? nil : token.normalized, "normalized")]
            where flag == true {
                throw TokenizerError.unsupported(path: path, field: "\(field).\(name)", value: "true")
            }
            guard !token.content.isEmpty else {
                throw TokenizerError.malformedField(path: path, field: "\(field).content", reason: "is empty")
            }
            try vocabulary.addToken(token.content, id: token.id, path: path, field: "\(field).id")
        }
        return tokens
    }

    private static func normalizerOptions(_ normalizer: TokenizerJSONSchema.Normalizer?,
                                          path: String) throws -> BertNormalizerOptions {
        guard let normalizer else {
            return BertNormalizerOptions(cleanText: false, handleChineseCharacters: false,
                                         stripAccents: false, lowercase: false)
        }
        guard normalizer.type == "BertNormalizer" else {
            throw TokenizerError.unsupported(path: path, field: "normalizer.type", value: "'\(normalizer.type)'")
        }
        return BertNormalizerOptions(cleanText: normalizer.cleanText ?? true,
                                     handleChineseCharacters: normalizer.handleChineseChars ?? true,
                                     stripAccents: normalizer.stripAccents,
                                     lowercase: normalizer.lowercase ?? true)
    }

    /// The post-processor as a template (`.none` when the file has none).
    static func template(_ processor: TokenizerJSONSchema.PostProcessor?, vocabulary: VocabularyTable,
                                 path: String) throws -> PostProcessorTemplate {
        guard let processor else { return .none }
        switch processor.type {
        case "BertProcessing":
            guard let cls = processor.cls, let sep = processor.sep else {
                throw TokenizerError.malformedField(path: path, field: "post_processor",
                                                    reason: "BertProcessing needs 'cls' and 'sep'")
            }
            for (entry, name) in [(cls, "cls"), (sep, "sep")] where entry.id < 0 || entry.id >= vocabulary.tokens.count {
                throw TokenizerError.malformedField(path: path, field: "post_processor.\(name)",
                                                    reason: "id \(entry.id) is outside the vocabulary")
            }
            return .bert(cls: cls.id, sep: sep.id)
        case "TemplateProcessing":
            let specials = processor.specialTokens ?? [:]
            func pieces(_ elements: [TokenizerJSONSchema.TemplateElement]?, field: String) throws -> [TemplatePiece] {
                guard let elements else {
                    throw TokenizerError.malformedField(path: path, field: "post_processor.\(field)",
                                                        reason: "required field is missing")
                }
                return try elements.enumerated().map { index, element in
                    try piece(element, specials: specials, vocabularySize: vocabulary.tokens.count,
                              path: path, field: "post_processor.\(field)[\(index)]")
                }
            }
            return PostProcessorTemplate(single: try pieces(processor.single, field: "single"),
                                         pair: try pieces(processor.pair, field: "pair"))
        default:
            throw TokenizerError.unsupported(path: path, field: "post_processor.type", value: "'\(processor.type)'")
        }
    }

    private static func piece(_ element: TokenizerJSONSchema.TemplateElement,
                              specials: [String: TokenizerJSONSchema.SpecialTokenEntry],
                              vocabularySize: Int, path: String, field: String) throws -> TemplatePiece {
        switch element {
        case let .sequence(name, typeId):
            guard let index = ["A": 0, "B": 1][name] else {
                throw TokenizerError.malformedField(path: path, field: "\(field).Sequence.id",
                                                    reason: "expected 'A' or 'B', found '\(name)'")
            }
            return .sequence(index: index, typeId: typeId)
        case let .specialToken(name, typeId):
            guard let entry = specials[name] else {
                throw TokenizerError.malformedField(path: path, field: "post_processor.special_tokens",
                                                    reason: "no entry for '\(name)' used in \(field)")
            }
            guard entry.ids.allSatisfy({ $0 >= 0 && $0 < vocabularySize }) else {
                throw TokenizerError.malformedField(
                    path: path, field: "post_processor.special_tokens.\(name).ids",
                    reason: "ids must be inside the vocabulary (size \(vocabularySize))")
            }
            return .special(ids: entry.ids, typeId: typeId)
        }
    }

    private static func decoderSettings(_ decoder: TokenizerJSONSchema.DecoderSettings?,
                                        path: String) throws -> (prefix: String, cleanup: Bool) {
        guard let decoder else { return ("##", true) }
        guard decoder.type == "WordPiece" else {
            throw TokenizerError.unsupported(path: path, field: "decoder.type", value: "'\(decoder.type)'")
        }
        return (decoder.prefix ?? "##", decoder.cleanup ?? true)
    }

    private static func truncation(_ truncation: TokenizerJSONSchema.Truncation?,
                                   path: String) throws -> TruncationSettings? {
        guard let truncation else { return nil }
        let strategyName = truncation.strategy ?? "LongestFirst"
        guard let strategy = TruncationSettings.Strategy(rawValue: strategyName) else {
            throw TokenizerError.unsupported(path: path, field: "truncation.strategy", value: "'\(strategyName)'")
        }
        let directionName = truncation.direction ?? "Right"
        guard let direction = TruncationSettings.Direction(rawValue: directionName) else {
            throw TokenizerError.unsupported(path: path, field: "truncation.direction", value: "'\(directionName)'")
        }
        guard truncation.maxLength > 0 else {
            throw TokenizerError.malformedField(path: path, field: "truncation.max_length",
                                                reason: "must be positive, found \(truncation.maxLength)")
        }
        return TruncationSettings(maxLength: truncation.maxLength, strategy: strategy, direction: direction)
    }

    private static func padding(_ padding: TokenizerJSONSchema.Padding?, defaultPadId: Int,
                                vocabulary: VocabularyTable, path: String) throws -> PaddingSettings {
        guard let padding else {
            return PaddingSettings(fixedLength: nil, padId: defaultPadId, padTypeId: 0,
                                   padToken: vocabulary.tokens[defaultPadId])
        }
        if let direction = padding.direction, direction != "Right" {
            throw TokenizerError.unsupported(path: path, field: "padding.direction", value: "'\(direction)'")
        }
        let padId = padding.padId ?? defaultPadId
        guard padId >= 0, padId < vocabulary.tokens.count else {
            throw TokenizerError.malformedField(path: path, field: "padding.pad_id",
                                                reason: "id \(padId) is outside the vocabulary")
        }
        var fixedLength: Int? = nil
        if case let .fixed(length) = padding.strategy {
            guard length > 0 else {
                throw TokenizerError.malformedField(path: path, field: "padding.strategy.Fixed",
                                                    reason: "must be positive, found \(length)")
            }
            fixedLength = length
        }
        return PaddingSettings(fixedLength: fixedLength, padId: padId, padTypeId: padding.padTypeId ?? 0,
                               padToken: padding.padToken ?? vocabulary.tokens[padId])
    }
}
