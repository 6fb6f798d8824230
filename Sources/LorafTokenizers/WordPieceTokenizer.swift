import Foundation

/// BERT's WordPiece tokenizer, matching Hugging Face `tokenizers` (BertNormalizer +
/// BertPreTokenizer + WordPiece + TemplateProcessing) id for id.
///
/// Load it from a model folder with `init(modelDirectory:)`. Encoding works on Unicode scalars
/// and never builds a string per character; a value is immutable apart from `truncation` and
/// can be shared between threads.
public struct WordPieceTokenizer: Sendable {
    /// Truncation used when `encode`/`encodeBatch` get no `maxLength`: tokenizer.json's
    /// `truncation` when present, else `nil` (no truncation). Set to `nil` to turn it off.
    public var truncation: TruncationSettings?
    /// Pad id, pad type id and fixed padding length (tokenizer.json's `padding`, else [PAD]).
    public let padding: PaddingSettings
    /// Ids of [CLS], [SEP], [PAD], [UNK] and [MASK].
    public let specialTokenIds: SpecialTokenIds
    /// The normalizer settings in use.
    public let normalizerOptions: BertNormalizerOptions

    private let normalizer: BertNormalizer
    private let model: WordPieceModel
    private let addedTokens: AddedTokenMatcher
    let specialIds: Set<Int>
    private let template: PostProcessorTemplate
    private let decoder: WordPieceDecoder

    /// Loads `tokenizer.json` from `modelDirectory`, or, when that file does not exist,
    /// `vocab.txt` with BertTokenizer settings from `tokenizer_config.json` (optional).
    ///
    /// - Throws: `TokenizerError.missingFile` when neither tokenizer.json nor vocab.txt exists,
    ///   `unreadableFile` for a file that is not UTF-8/JSON, `malformedField` (naming the file and
    ///   field) for a missing or wrong field, `unsupported` for a pipeline other than BERT WordPiece.
    public init(modelDirectory: URL) throws {
        let tokenizerConfig = try TokenizerConfigFile.readIfPresent(in: modelDirectory)
        let json = modelDirectory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            self.init(try TokenizerJSONLoader.load(json, tokenizerConfig: tokenizerConfig))
        } else {
            let vocab = modelDirectory.appendingPathComponent("vocab.txt")
            guard FileManager.default.fileExists(atPath: vocab.path) else {
                throw TokenizerError.missingFile(path: json.path + " (nor " + vocab.path + ")")
            }
            self.init(try VocabularyTextLoader.load(vocab, tokenizerConfig: tokenizerConfig))
        }
    }

    /// Loads a tokenizer.json file directly (no tokenizer_config.json is read).
    /// - Throws: as `init(modelDirectory:)`.
    public init(tokenizerJSON url: URL) throws {
        self.init(try TokenizerJSONLoader.load(url, tokenizerConfig: nil))
    }

    /// Loads a BERT vocab.txt directly, with the default uncased BERT settings.
    /// - Throws: as `init(modelDirectory:)`.
    public init(vocabularyFile url: URL) throws {
        self.init(try VocabularyTextLoader.load(url, tokenizerConfig: nil))
    }

    init(_ configuration: TokenizerConfiguration) {
        truncation = configuration.truncation
        padding = configuration.padding
        specialTokenIds = configuration.specialTokenIds
        normalizerOptions = configuration.normalizer
        normalizer = BertNormalizer(options: configuration.normalizer)
        model = configuration.model
        addedTokens = AddedTokenMatcher(tokens: configuration.addedTokens)
        specialIds = configuration.specialIds
        template = configuration.template
        decoder = WordPieceDecoder(prefix: configuration.decoderPrefix, cleanup: configuration.decoderCleanup)
    }

    // MARK: Vocabulary

    /// Number of ids (model vocabulary plus added tokens).
    public var vocabSize: Int { model.tokens.count }

    /// The id of `token`, or `nil` when it is not in the vocabulary.
    public func id(for token: String) -> Int? { model.ids[token] }

    /// The token of `id`, or `nil` when `id` is outside `0..<vocabSize`.
    public func token(for id: Int) -> String? {
        id >= 0 && id < model.tokens.count ? model.tokens[id] : nil
    }

    // MARK: Encoding

    /// Encodes one text, or a pair, into token ids.
    ///
    /// - Parameters:
    ///   - text: The first (or only) text; any string, including empty.
    ///   - pair: An optional second text (token type 1).
    ///   - addSpecialTokens: Add [CLS]/[SEP] as tokenizer.json's post-processor says.
    ///   - maxLength: Cut to at most this many tokens, special tokens included (longest-first for
    ///     a pair, [CLS]/[SEP] kept). `nil` uses `truncation` (128 for all-MiniLM-L6-v2).
    /// - Returns: An `Encoding` of `n` tokens (ids, types, mask of ones, tokens, offsets).
    /// - Throws: `TokenizerError.invalidArgument` when `maxLength` is smaller than the number of
    ///   special tokens, or not positive.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true,
                       maxLength: Int? = nil) throws -> Encoding {
        var first = tokenize(text)
        var second = pair.map(tokenize)
        if let settings = try truncationSettings(maxLength: maxLength) {
            let added = addSpecialTokens ? template.addedTokenCount(isPair: second != nil) : 0
            try SequenceTruncation.apply(settings, specialTokenCount: added, first: &first, second: &second)
        }
        return assemble(first, second, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes a batch and pads it into rectangular `[batchSize, sequenceLength]` matrices.
    ///
    /// - Parameters:
    ///   - texts: One text per row.
    ///   - pairs: Optional second texts, one per row (same count as `texts`).
    ///   - maxLength: As in `encode`; with `.maxLength` padding also the padded length.
    ///   - padding: `.longest` pads to the longest row; `.maxLength` pads every row to
    ///     `maxLength`, else tokenizer.json's fixed padding length, else the truncation length.
    ///   - addSpecialTokens: As in `encode`.
    /// - Returns: Row-major Int32 ids, attention mask (1 real, 0 pad) and token types, right-padded
    ///   with `padding.padId` / `padding.padTypeId`.
    /// - Throws: `TokenizerError.invalidArgument` when `pairs` has another count than `texts`,
    ///   when `.maxLength` padding has no length to use, or as `encode`.
    public func encodeBatch(_ texts: [String], pairs: [String]? = nil, maxLength: Int? = nil,
                            padding strategy: BatchPadding = .longest,
                            addSpecialTokens: Bool = true) throws -> BatchEncoding {
        if let pairs, pairs.count != texts.count {
            throw TokenizerError.invalidArgument(
                name: "pairs", reason: "has \(pairs.count) texts but 'texts' has \(texts.count)")
        }
        var fixedLength: Int? = nil
        if strategy == .maxLength {
            guard let length = maxLength ?? padding.fixedLength ?? truncation?.maxLength else {
                throw TokenizerError.invalidArgument(
                    name: "padding", reason: ".maxLength needs 'maxLength' (the tokenizer has no fixed length)")
            }
            fixedLength = length
        }
        var encodings = try texts.indices.map { row in
            try encode(texts[row], pair: pairs?[row], addSpecialTokens: addSpecialTokens,
                       maxLength: fixedLength ?? maxLength)
        }
        let length = fixedLength ?? encodings.map(\.count).max() ?? 0
        for row in encodings.indices { pad(&encodings[row], to: length) }
        func matrix(_ values: (Encoding) -> [Int]) -> [Int32] {
            encodings.flatMap { values($0).map { Int32(truncatingIfNeeded: $0) } }
        }
        return BatchEncoding(batchSize: encodings.count, sequenceLength: length,
                             inputIds: matrix(\.ids), attentionMask: matrix(\.attentionMask),
                             tokenTypeIds: matrix(\.tokenTypeIds), encodings: encodings)
    }

    // MARK: Decoding

    /// Turns ids back into text: tokens joined by spaces, `##` pieces merged into the previous
    /// word, spaces before punctuation and contractions cleaned up (HF WordPiece decoder).
    ///
    /// - Parameters:
    ///   - ids: Token ids, each in `0..<vocabSize`.
    ///   - skipSpecialTokens: Leave out [CLS], [SEP], [PAD], [UNK], [MASK] (HF's special tokens).
    /// - Throws: `TokenizerError.invalidArgument` naming the first id outside the vocabulary and its position.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) throws -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() {
            guard let token = token(for: id) else {
                throw TokenizerError.invalidArgument(
                    name: "ids", reason: "id \(id) at position \(position) is outside 0..<\(vocabSize)")
            }
            if skipSpecialTokens, specialIds.contains(id) { continue }
            tokens.append(token)
        }
        return decoder.decode(tokens)
    }

    // MARK: Pipeline

    private func truncationSettings(maxLength: Int?) throws -> TruncationSettings? {
        guard let maxLength else { return truncation }
        guard maxLength > 0 else {
            throw TokenizerError.invalidArgument(name: "maxLength", reason: "must be positive, found \(maxLength)")
        }
        var settings = truncation ?? TruncationSettings(maxLength: maxLength)
        settings.maxLength = maxLength
        return settings
    }

    /// Added-token matching, normalization, pre-tokenization and WordPiece for one text.
    func tokenize(_ text: String) -> TokenizedText {
        let scalars = text.unicodeScalars.map(\.value)
        var normalized: [UInt32] = []
        var origins: [Int32] = []
        normalized.reserveCapacity(scalars.count + 8)
        origins.reserveCapacity(scalars.count + 8)
        var words: [Range<Int>] = []
        var pieceIds: [Int] = []
        var pieceRanges: [Range<Int>] = []
        var result = TokenizedText()
        for segment in addedTokens.segments(of: scalars) {
            switch segment {
            case let .token(id, range):
                result.ids.append(id)
                result.offsets.append(range)
            case let .text(range):
                let start = normalized.count
                normalizer.normalize(scalars[range], firstOrigin: range.lowerBound,
                                     into: &normalized, origins: &origins)
                words.removeAll(keepingCapacity: true)
                BertPreTokenizer.appendWords(of: normalized, in: start..<normalized.count, to: &words)
                pieceIds.removeAll(keepingCapacity: true)
                pieceRanges.removeAll(keepingCapacity: true)
                for word in words {
                    model.appendPieces(of: normalized, word: word, ids: &pieceIds, ranges: &pieceRanges)
                }
                result.ids.append(contentsOf: pieceIds)
                for range in pieceRanges {
                    result.offsets.append(Int(origins[range.lowerBound])..<Int(origins[range.upperBound - 1]) + 1)
                }
            }
        }
        return result
    }

    /// Applies the post-processing template and builds the public `Encoding`.
    private func assemble(_ first: TokenizedText, _ second: TokenizedText?, addSpecialTokens: Bool) -> Encoding {
        let texts = [first] + (second.map { [$0] } ?? [])
        let pieces = addSpecialTokens ? (second == nil ? template.single : template.pair)
                                      : PostProcessorTemplate.none.pair.prefix(texts.count).map { $0 }
        var encoding = Encoding(ids: [], tokenTypeIds: [], attentionMask: [], tokens: [], offsets: [], sequenceIds: [])
        for piece in pieces {
            switch piece {
            case let .special(ids, typeId):
                for id in ids {
                    append(id, typeId: typeId, offset: 0..<0, sequence: nil, to: &encoding)
                }
            case let .sequence(index, typeId):
                guard index < texts.count else { continue }
                for (id, offset) in zip(texts[index].ids, texts[index].offsets) {
                    append(id, typeId: typeId, offset: offset, sequence: index, to: &encoding)
                }
            }
        }
        return encoding
    }

    @inline(__always)
    private func append(_ id: Int, typeId: Int, offset: Range<Int>, sequence: Int?, to encoding: inout Encoding) {
        encoding.ids.append(id)
        encoding.tokenTypeIds.append(typeId)
        encoding.attentionMask.append(1)
        encoding.tokens.append(model.tokens[id])
        encoding.offsets.append(offset)
        encoding.sequenceIds.append(sequence)
    }

    private func pad(_ encoding: inout Encoding, to length: Int) {
        let missing = length - encoding.count
        guard missing > 0 else { return }
        encoding.ids += repeatElement(padding.padId, count: missing)
        encoding.tokenTypeIds += repeatElement(padding.padTypeId, count: missing)
        encoding.attentionMask += repeatElement(0, count: missing)
        encoding.tokens += repeatElement(padding.padToken, count: missing)
        encoding.offsets += repeatElement(0..<0, count: missing)
        encoding.sequenceIds += repeatElement(nil, count: missing)
    }
}
