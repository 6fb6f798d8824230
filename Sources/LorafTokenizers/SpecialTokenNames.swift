/// The BOS/EOS/pad/unknown ids of a decoder tokenizer, from the token names of
/// tokenizer_config.json (`bos_token`, `eos_token`, `pad_token`, `unk_token`) and the model's
/// own unknown token; `nil` for a name that is not given.
struct SpecialTokenNames {
    var bos: Int?
    var eos: Int?
    var pad: Int?
    var unknown: Int?

    /// - Throws: `malformedField` naming the config file and field (or `model.unk_token` of the
    ///   tokenizer file) when a named token is not in the vocabulary.
    init(config: (file: TokenizerConfigFile, path: String)?, unknownToken: String?,
         vocabulary: VocabularyTable, tokenizerPath: String) throws {
        func id(_ name: String?, field: String, path: String) throws -> Int? {
            guard let name else { return nil }
            return try vocabulary.requireId(of: name, path: path, field: field)
        }
        let file = config?.file, configPath = config?.path ?? tokenizerPath
        bos = try id(file?.bosToken?.content, field: "bos_token", path: configPath)
        eos = try id(file?.eosToken?.content, field: "eos_token", path: configPath)
        pad = try id(file?.padToken?.content, field: "pad_token", path: configPath)
        if let unknownToken {
            unknown = try id(unknownToken, field: "model.unk_token", path: tokenizerPath)
        } else {
            unknown = try id(file?.unkToken?.content, field: "unk_token", path: configPath)
        }
    }
}
