import Foundation

/// Builds a `TokenizerConfiguration` from a BERT `vocab.txt` (one token a line, the line number
/// is the id) plus the optional `tokenizer_config.json`, with the settings HF's BertTokenizer
/// uses: BertNormalizer (do_lower_case, tokenize_chinese_chars, strip_accents), WordPiece with
/// `##` and 100 characters a word, `[CLS] A [SEP] (B [SEP])`, no truncation, no fixed padding.
enum VocabularyTextLoader {
    static func load(_ url: URL, tokenizerConfig: TokenizerConfigFile?) throws -> TokenizerConfiguration {
        let path = url.path
        let data = try JSONFileReading.contents(of: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.unreadableFile(path: path, reason: "not valid UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else {
            throw TokenizerError.malformedField(path: path, field: "(lines)", reason: "the vocabulary is empty")
        }
        let vocabulary = VocabularyTable(orderedTokens: lines)
        let unknownToken = tokenizerConfig?.unkToken?.content ?? "[UNK]"
        let ids = try TokenizerConfigFile.specialTokenIds(
            tokenizerConfig, unknownToken: unknownToken, padToken: nil,
            vocabulary: vocabulary, path: path, vocabularyField: "(lines)")
        let model = WordPieceModel(tokens: vocabulary.tokens, ids: vocabulary.ids, unknownId: ids.unk,
                                   continuingSubwordPrefix: "##", maxInputCharsPerWord: 100)
        let specials = [ids.pad, ids.unk, ids.cls, ids.sep] + (ids.mask.map { [$0] } ?? [])
        let lowercase = tokenizerConfig?.doLowerCase ?? true
        return TokenizerConfiguration(
            normalizer: BertNormalizerOptions(cleanText: true,
                                              handleChineseCharacters: tokenizerConfig?.tokenizeChineseChars ?? true,
                                              stripAccents: tokenizerConfig?.stripAccents, lowercase: lowercase),
            model: model,
            addedTokens: specials.map { (vocabulary.tokens[$0], $0) },
            specialIds: Set(specials),
            template: .bert(cls: ids.cls, sep: ids.sep),
            truncation: nil,
            padding: PaddingSettings(fixedLength: nil, padId: ids.pad, padTypeId: 0, padToken: vocabulary.tokens[ids.pad]),
            specialTokenIds: ids,
            decoderPrefix: "##",
            decoderCleanup: true)
    }
}
