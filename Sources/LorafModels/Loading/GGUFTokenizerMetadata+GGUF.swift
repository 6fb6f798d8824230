import LorafFormats
import LorafTokenizers

extension GGUFTokenizerMetadata {
    /// The `tokenizer.ggml.*` keys of a GGUF file, for `AutoTokenizer.load(gguf:)`.
    ///
    /// ```swift
    /// let file = try GGUFFile(contentsOf: url)
    /// let tokenizer = try AutoTokenizer.load(gguf: GGUFTokenizerMetadata(gguf: file.metadata))
    /// ```
    ///
    /// - Throws: `GGUFError` naming the key when `tokenizer.ggml.model` or `tokenizer.ggml.tokens`
    ///   is missing, or when a key has the wrong type (ids must fit `Int`, token types `Int32`).
    public init(gguf metadata: GGUFMetadata) throws {
        func optional<T>(_ key: String, _ accessor: (GGUFValue) -> T?, expected: String) throws -> T? {
            metadata[key] == nil ? nil : try metadata.required(key, accessor, expected: expected)
        }
        let id = { (name: String) in try optional("tokenizer.ggml.\(name)", \.int, expected: "an integer") }
        let flag = { (name: String) in try optional("tokenizer.ggml.\(name)", \.bool, expected: "a bool") }
        let types = try optional("tokenizer.ggml.token_type", { value in
            value.intArray.flatMap { ints in
                ints.allSatisfy { Int32(exactly: $0) != nil } ? ints.map { Int32($0) } : nil
            }
        }, expected: "an array of 32-bit integers")
        self.init(model: try metadata.string("tokenizer.ggml.model"),
                  preTokenizer: try optional("tokenizer.ggml.pre", \.string, expected: "a string"),
                  tokens: try metadata.stringArray("tokenizer.ggml.tokens"),
                  tokenTypes: types,
                  scores: try optional("tokenizer.ggml.scores", \.floatArray, expected: "an array of floats"),
                  merges: try optional("tokenizer.ggml.merges", \.stringArray, expected: "an array of strings"),
                  bosTokenId: try id("bos_token_id"), eosTokenId: try id("eos_token_id"),
                  unknownTokenId: try id("unknown_token_id"), paddingTokenId: try id("padding_token_id"),
                  addBosToken: try flag("add_bos_token"), addEosToken: try flag("add_eos_token"),
                  addSpacePrefix: try flag("add_space_prefix"))
    }
}
