import Foundation

/// The optional `tokenizer_config.json` of a Hugging Face model folder: the special-token names
/// (BERT's [CLS]/[SEP]/[MASK], a decoder's BOS/EOS, pad and unknown) and, for a folder without
/// tokenizer.json, the BERT normalizer switches.
struct TokenizerConfigFile: Decodable {
    /// A token written either as a string or as an added-token object `{"content": "[CLS]", ...}`.
    struct TokenName: Decodable {
        let content: String
        private enum CodingKeys: String, CodingKey { case content }
        init(from decoder: Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                content = text
            } else {
                content = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .content)
            }
        }
    }

    let doLowerCase: Bool?
    let tokenizeChineseChars: Bool?
    let stripAccents: Bool?
    let clsToken: TokenName?
    let sepToken: TokenName?
    let padToken: TokenName?
    let unkToken: TokenName?
    let maskToken: TokenName?
    let bosToken: TokenName?
    let eosToken: TokenName?

    enum CodingKeys: String, CodingKey {
        case doLowerCase = "do_lower_case"
        case tokenizeChineseChars = "tokenize_chinese_chars"
        case stripAccents = "strip_accents"
        case clsToken = "cls_token"
        case sepToken = "sep_token"
        case padToken = "pad_token"
        case unkToken = "unk_token"
        case maskToken = "mask_token"
        case bosToken = "bos_token"
        case eosToken = "eos_token"
    }

    static let fileName = "tokenizer_config.json"

    /// Reads `tokenizer_config.json` from `folder`; `nil` when the file does not exist.
    static func readIfPresent(in folder: URL) throws -> TokenizerConfigFile? {
        let url = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONFileReading.decode(TokenizerConfigFile.self, from: url)
    }

    /// The ids of [CLS], [SEP], [PAD], [UNK] and [MASK] (names from this file when given,
    /// else BERT's); throws `malformedField` naming `vocabularyField` when one is not in the vocabulary.
    static func specialTokenIds(_ config: TokenizerConfigFile?, unknownToken: String, padToken: String?,
                                vocabulary: VocabularyTable, path: String,
                                vocabularyField: String) throws -> SpecialTokenIds {
        func id(_ name: String) throws -> Int {
            try vocabulary.requireId(of: name, path: path, field: vocabularyField)
        }
        return SpecialTokenIds(
            cls: try id(config?.clsToken?.content ?? "[CLS]"),
            sep: try id(config?.sepToken?.content ?? "[SEP]"),
            pad: try id(padToken ?? config?.padToken?.content ?? "[PAD]"),
            unk: try id(unknownToken),
            mask: vocabulary.ids[config?.maskToken?.content ?? "[MASK]"])
    }
}
