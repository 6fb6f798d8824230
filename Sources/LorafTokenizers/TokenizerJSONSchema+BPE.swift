/// The tokenizer.json objects of byte-level BPE files (GPT-2, Llama 3, SmolLM2, Qwen2), and the
/// `model` object, whose `type` picks WordPiece or BPE.
extension TokenizerJSONSchema {
    /// `model`: WordPiece (type "WordPiece" or absent), BPE, or another type (kept by name).
    enum ModelSpec: Decodable {
        case wordPiece(WordPieceModelSpec)
        case bpe(BPEModelSpec)
        case other(type: String)

        private enum CodingKeys: String, CodingKey { case type }

        init(from decoder: Decoder) throws {
            switch try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .type) {
            case nil, "WordPiece": self = .wordPiece(try WordPieceModelSpec(from: decoder))
            case "BPE": self = .bpe(try BPEModelSpec(from: decoder))
            case let type?: self = .other(type: type)
            }
        }

        /// The `type` as the file names it.
        var typeName: String {
            switch self {
            case .wordPiece: return "WordPiece"
            case .bpe: return "BPE"
            case let .other(type): return type
            }
        }
    }

    /// `model` of type "BPE". `merges` is optional here so that a missing list is reported by
    /// the BPE loader, after the model type is known.
    struct BPEModelSpec: Decodable {
        let vocab: [String: Int]
        let merges: [MergeEntry]?
        let unkToken: String?
        let dropout: Double?
        let continuingSubwordPrefix: String?
        let endOfWordSuffix: String?
        let byteFallback: Bool?
        let ignoreMerges: Bool?
        enum CodingKeys: String, CodingKey {
            case vocab, merges, dropout
            case unkToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case endOfWordSuffix = "end_of_word_suffix"
            case byteFallback = "byte_fallback"
            case ignoreMerges = "ignore_merges"
        }
    }

    /// One merge: `"Ġ t"` (older files) or `["Ġ", "t"]` (tokenizers 0.20 and later).
    struct MergeEntry: Decodable {
        let left: String
        let right: String
        /// Set for a string entry that is not two parts separated by one space.
        let malformed: String?

        init(from decoder: Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                (left, right) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("", "")
                malformed = parts.count == 2 ? nil : text
                return
            }
            var container = try decoder.unkeyedContainer()
            left = try container.decode(String.self)
            right = try container.decode(String.self)
            malformed = container.isAtEnd ? nil : "a list of more than two tokens"
        }
    }

    /// `pre_tokenizer`: ByteLevel, Digits, Split or a Sequence of them (BERT's is just a type).
    struct PreTokenizerSpec: Decodable {
        let type: String
        let addPrefixSpace: Bool?
        let useRegex: Bool?
        let individualDigits: Bool?
        let pattern: SplitPattern?
        let behavior: String?
        let invert: Bool?
        let pretokenizers: [PreTokenizerSpec]?
        enum CodingKeys: String, CodingKey {
            case type, pattern, behavior, invert, pretokenizers
            case addPrefixSpace = "add_prefix_space"
            case useRegex = "use_regex"
            case individualDigits = "individual_digits"
        }
    }

    /// A Split pattern: `{"Regex": "..."}` (a `{"String": "..."}` pattern leaves `regex` nil).
    struct SplitPattern: Decodable {
        let regex: String?
        enum CodingKeys: String, CodingKey {
            case regex = "Regex"
        }
    }
}
