import LorafFormats

/// The configuration a GGUF file carries, as a ``ConfigReader`` over its scalar metadata (arrays such as the
/// vocabulary are left to the tokenizer), plus two facts the metadata leaves implicit: the vocabulary size
/// (`tokenizer.ggml.tokens` count) and whether the output layer is tied to the token embeddings (no
/// `output.weight`), under the `loraf.*` keys below.
enum GGUFConfig {
    static let vocabularySizeKey = "loraf.vocabulary_size"
    static let tiedEmbeddingsKey = "loraf.tied_embeddings"

    static func reader(_ file: GGUFFile) -> ConfigReader {
        var values: [String: ConfigValue] = [:]
        for entry in file.metadata.entries {
            let value = entry.value
            if let i = value.int { values[entry.key] = .int(i) }
            else if let d = value.double { values[entry.key] = .double(d) }
            else if let b = value.bool { values[entry.key] = .bool(b) }
            else if let s = value.string { values[entry.key] = .string(s) }
        }
        if let tokens = file.metadata["tokenizer.ggml.tokens"]?.array { values[vocabularySizeKey] = .int(tokens.count) }
        values[tiedEmbeddingsKey] = .bool(!file.contains("output.weight"))
        return ConfigReader(source: file.url.path, values: values)
    }
}
