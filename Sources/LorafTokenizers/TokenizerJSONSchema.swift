/// The parts of a Hugging Face `tokenizers` JSON file (tokenizer.json) that loraf's WordPiece and
/// byte-level BPE tokenizers use, as `Decodable` mirrors of the file's objects. Field names are
/// the file's. The BPE parts are in TokenizerJSONSchema+BPE.swift.
struct TokenizerJSONSchema: Decodable {
    struct AddedToken: Decodable {
        let id: Int
        let content: String
        let special: Bool
        let singleWord: Bool?
        let lstrip: Bool?
        let rstrip: Bool?
        let normalized: Bool?
        enum CodingKeys: String, CodingKey {
            case id, content, special, lstrip, rstrip, normalized
            case singleWord = "single_word"
        }
    }

    struct Normalizer: Decodable {
        let type: String
        let cleanText: Bool?
        let handleChineseChars: Bool?
        let stripAccents: Bool?
        let lowercase: Bool?
        enum CodingKeys: String, CodingKey {
            case type, lowercase
            case cleanText = "clean_text"
            case handleChineseChars = "handle_chinese_chars"
            case stripAccents = "strip_accents"
        }
    }

    /// `model` of a WordPiece file (`type` "WordPiece" or absent).
    struct WordPieceModelSpec: Decodable {
        let vocab: [String: Int]
        let unkToken: String
        let continuingSubwordPrefix: String?
        let maxInputCharsPerWord: Int?
        enum CodingKeys: String, CodingKey {
            case vocab
            case unkToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case maxInputCharsPerWord = "max_input_chars_per_word"
        }
    }

    /// A template element: `{"SpecialToken": {"id": "[CLS]", "type_id": 0}}` or
    /// `{"Sequence": {"id": "A", "type_id": 0}}`.
    enum TemplateElement: Decodable {
        case specialToken(name: String, typeId: Int)
        case sequence(name: String, typeId: Int)

        private struct Body: Decodable {
            let id: String
            let typeId: Int
            enum CodingKeys: String, CodingKey {
                case id
                case typeId = "type_id"
            }
        }
        private enum CodingKeys: String, CodingKey {
            case specialToken = "SpecialToken"
            case sequence = "Sequence"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let body = try container.decodeIfPresent(Body.self, forKey: .specialToken) {
                self = .specialToken(name: body.id, typeId: body.typeId)
            } else if let body = try container.decodeIfPresent(Body.self, forKey: .sequence) {
                self = .sequence(name: body.id, typeId: body.typeId)
            } else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected an object with key 'SpecialToken' or 'Sequence'"))
            }
        }
    }

    struct SpecialTokenEntry: Decodable {
        let ids: [Int]
    }

    /// A `["[SEP]", 102]` pair of BertProcessing.
    struct TokenAndId: Decodable {
        let token: String
        let id: Int
        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            token = try container.decode(String.self)
            id = try container.decode(Int.self)
        }
    }

    struct PostProcessor: Decodable {
        let type: String
        let single: [TemplateElement]?
        let pair: [TemplateElement]?
        let specialTokens: [String: SpecialTokenEntry]?
        let cls: TokenAndId?
        let sep: TokenAndId?
        /// The steps of a `Sequence` post-processor (Llama 3: ByteLevel, then TemplateProcessing).
        let processors: [PostProcessor]?
        enum CodingKeys: String, CodingKey {
            case type, single, pair, cls, sep, processors
            case specialTokens = "special_tokens"
        }
    }

    struct DecoderSettings: Decodable {
        let type: String
        let prefix: String?
        let cleanup: Bool?
    }

    struct Truncation: Decodable {
        let maxLength: Int
        let strategy: String?
        let direction: String?
        enum CodingKeys: String, CodingKey {
            case strategy, direction
            case maxLength = "max_length"
        }
    }

    /// `"BatchLongest"` or `{"Fixed": 128}`.
    enum PaddingStrategy: Decodable {
        case batchLongest
        case fixed(Int)
        private enum CodingKeys: String, CodingKey {
            case fixed = "Fixed"
        }
        init(from decoder: Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self), name == "BatchLongest" {
                self = .batchLongest
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self = .fixed(try container.decode(Int.self, forKey: .fixed))
        }
    }

    struct Padding: Decodable {
        let strategy: PaddingStrategy
        let direction: String?
        let padId: Int?
        let padTypeId: Int?
        let padToken: String?
        enum CodingKeys: String, CodingKey {
            case strategy, direction
            case padId = "pad_id"
            case padTypeId = "pad_type_id"
            case padToken = "pad_token"
        }
    }

    let addedTokens: [AddedToken]?
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizerSpec?
    let model: ModelSpec
    let postProcessor: PostProcessor?
    let decoder: DecoderSettings?
    let truncation: Truncation?
    let padding: Padding?

    enum CodingKeys: String, CodingKey {
        case normalizer, model, decoder, truncation, padding
        case addedTokens = "added_tokens"
        case preTokenizer = "pre_tokenizer"
        case postProcessor = "post_processor"
    }
}
