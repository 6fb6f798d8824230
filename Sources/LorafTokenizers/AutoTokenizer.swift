import Foundation

/// Loads whichever tokenizer a model comes with, choosing the kind from the file:
/// tokenizer.json `model.type` "WordPiece" -> `WordPieceTokenizer`, "BPE" -> `ByteLevelBPETokenizer`;
/// a folder with only vocab.txt -> `WordPieceTokenizer`; GGUF metadata `tokenizer.ggml.model`
/// "gpt2" -> `ByteLevelBPETokenizer`, "llama" -> `SentencePieceTokenizer`.
///
/// ```swift
/// let bert = try AutoTokenizer.load(modelDirectory: URL(fileURLWithPath: "models/all-MiniLM-L6-v2"))
/// let smol = try AutoTokenizer.load(gguf: metadata)   // metadata mapped from the GGUF file
/// ```
public enum AutoTokenizer {
    /// Loads `tokenizer.json` from `modelDirectory` (with `tokenizer_config.json` when present,
    /// for special-token names), or a BERT `vocab.txt` when there is no tokenizer.json.
    /// - Throws: `TokenizerError`: `missingFile`, `unreadableFile`, `malformedField` naming the
    ///   file and field, `unsupported` for a model type or pipeline step loraf does not implement.
    public static func load(modelDirectory: URL) throws -> any Tokenizer {
        let json = modelDirectory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: json.path) else {
            return try WordPieceTokenizer(modelDirectory: modelDirectory)
        }
        let configURL = modelDirectory.appendingPathComponent(TokenizerConfigFile.fileName)
        let config = try TokenizerConfigFile.readIfPresent(in: modelDirectory).map { ($0, configURL.path) }
        return try load(tokenizerJSON: json, tokenizerConfig: config)
    }

    /// Loads one tokenizer.json file (no tokenizer_config.json is read, so a BPE tokenizer knows
    /// BOS only from its post-processor and no EOS or pad).
    /// - Throws: as `load(modelDirectory:)`.
    public static func load(tokenizerJSON url: URL) throws -> any Tokenizer {
        try load(tokenizerJSON: url, tokenizerConfig: nil)
    }

    /// Builds the tokenizer GGUF metadata describes (see `GGUFTokenizerMetadata`).
    /// - Throws: `TokenizerError.malformedField` (path "GGUF", the metadata key) for arrays of
    ///   different lengths, ids outside the vocabulary, merges naming unknown tokens;
    ///   `unsupported` for another `tokenizer.ggml.model` or `tokenizer.ggml.pre`.
    public static func load(gguf metadata: GGUFTokenizerMetadata) throws -> any Tokenizer {
        switch metadata.model {
        case "gpt2": return ByteLevelBPETokenizer(try GGUFVocabularyLoader.bpeConfiguration(metadata))
        case "llama": return SentencePieceTokenizer(try GGUFVocabularyLoader.sentencePieceConfiguration(metadata))
        default:
            throw TokenizerError.unsupported(path: GGUFVocabularyLoader.source, field: "tokenizer.ggml.model",
                                             value: "'\(metadata.model)' (supported: gpt2, llama)")
        }
    }

    private static func load(tokenizerJSON url: URL,
                             tokenizerConfig: (file: TokenizerConfigFile, path: String)?) throws -> any Tokenizer {
        let file = try JSONFileReading.decode(TokenizerJSONSchema.self, from: url)
        switch file.model {
        case .wordPiece:
            return WordPieceTokenizer(try TokenizerJSONLoader.configuration(file, path: url.path,
                                                                            tokenizerConfig: tokenizerConfig?.file))
        case let .bpe(model):
            return ByteLevelBPETokenizer(try BPETokenizerJSONLoader.configuration(
                file, model: model, path: url.path, tokenizerConfig: tokenizerConfig))
        case let .other(type):
            throw TokenizerError.unsupported(path: url.path, field: "model.type",
                                             value: "'\(type)' (supported: WordPiece, BPE)")
        }
    }
}
