import Foundation
import LorafFormats
import LorafTokenizers

/// The tokenizer and chat template that come with a model, wherever it was loaded from: a Hugging Face folder
/// (tokenizer.json / vocab.txt, tokenizer_config.json's `chat_template`, or a chat_template.jinja file) or a GGUF
/// file (`tokenizer.ggml.*` and `tokenizer.chat_template` metadata).
public enum ModelTextFiles {
    /// The tokenizer and the chat template source (Jinja2; nil when the model has none) of the model at `url` (a
    /// folder or a `.gguf` file), reading a GGUF file once (``load(for:)-(ModelFiles)`` reuses one already open).
    /// - Throws: `TokenizerError` for a missing or malformed tokenizer, `GGUFError` for a bad GGUF file,
    ///   `ModelError.invalid` for a tokenizer_config.json that is not a JSON object.
    public static func load(for url: URL) throws -> (tokenizer: any Tokenizer, chatTemplate: String?) {
        try load(for: url.pathExtension.lowercased() == "gguf" ? .gguf(GGUFFile(contentsOf: url)) : .folder(url))
    }

    /// The tokenizer and chat template source of the model in `files` (a GGUF file's already parsed metadata).
    /// - Throws: as ``load(for:)-(URL)``.
    public static func load(for files: ModelFiles) throws -> (tokenizer: any Tokenizer, chatTemplate: String?) {
        switch files {
        case let .folder(url):
            return (try AutoTokenizer.load(modelDirectory: url), try folderChatTemplate(url))
        case let .gguf(file):
            return (try AutoTokenizer.load(gguf: tokenizerMetadata(file.metadata)), file.metadata["tokenizer.chat_template"]?.string)
        }
    }

    /// The chat template of a Hugging Face folder: chat_template.jinja, else tokenizer_config.json's `chat_template`.
    static func folderChatTemplate(_ url: URL) throws -> String? {
        let jinja = url.appendingPathComponent("chat_template.jinja")
        if let text = try? String(contentsOf: jinja, encoding: .utf8) { return text }
        let config = url.appendingPathComponent("tokenizer_config.json")
        guard let data = try? Data(contentsOf: config) else { return nil }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ModelError.invalid("\(config.path): not a JSON object")
        }
        return object["chat_template"] as? String
    }

    /// `tokenizer.ggml.*` metadata as the tokenizers take it.
    /// - Throws: `GGUFError` for a missing `tokenizer.ggml.model` or `tokens`, or a value of the wrong type.
    public static func tokenizerMetadata(_ metadata: GGUFMetadata) throws -> GGUFTokenizerMetadata {
        func int(_ key: String) throws -> Int? { try metadata[key].map { _ in try metadata.int(key) } }
        func bool(_ key: String) throws -> Bool? { try metadata[key].map { _ in try metadata.bool(key) } }
        return GGUFTokenizerMetadata(
            model: try metadata.string("tokenizer.ggml.model"),
            preTokenizer: try metadata["tokenizer.ggml.pre"].map { _ in try metadata.string("tokenizer.ggml.pre") },
            tokens: try metadata.stringArray("tokenizer.ggml.tokens"),
            tokenTypes: try metadata["tokenizer.ggml.token_type"].map { _ in try metadata.intArray("tokenizer.ggml.token_type").map { Int32(truncatingIfNeeded: $0) } },
            scores: try metadata["tokenizer.ggml.scores"].map { _ in try metadata.floatArray("tokenizer.ggml.scores") },
            merges: try metadata["tokenizer.ggml.merges"].map { _ in try metadata.stringArray("tokenizer.ggml.merges") },
            bosTokenId: try int("tokenizer.ggml.bos_token_id"), eosTokenId: try int("tokenizer.ggml.eos_token_id"),
            unknownTokenId: try int("tokenizer.ggml.unknown_token_id"), paddingTokenId: try int("tokenizer.ggml.padding_token_id"),
            addBosToken: try bool("tokenizer.ggml.add_bos_token"), addEosToken: try bool("tokenizer.ggml.add_eos_token"),
            addSpacePrefix: try bool("tokenizer.ggml.add_space_prefix"))
    }
}
