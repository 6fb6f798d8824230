import Foundation
import LorafModels
import LorafTemplates
import LorafTokenizers

/// A tokenizer (any kind: WordPiece, byte-level BPE, SentencePiece) held by a Lua value, with the chat template of
/// the model it came from when there is one.
final class TokenizerObject {
    let tokenizer: any Tokenizer
    let chatTemplate: ChatTemplate?
    init(_ tokenizer: any Tokenizer, chatTemplate: ChatTemplate? = nil) {
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
    }

    /// Loads a model folder (tokenizer.json, else vocab.txt), a GGUF file (its tokenizer.ggml metadata and chat
    /// template), a tokenizer.json file or a vocab.txt file.
    /// - Throws: `TokenizerError` naming the missing or malformed file.
    static func load(_ path: String) throws -> TokenizerObject {
        let url = URL(fileURLWithPath: path)
        switch url.pathExtension.lowercased() {
        case "json": return TokenizerObject(try AutoTokenizer.load(tokenizerJSON: url))
        case "txt": return TokenizerObject(try WordPieceTokenizer(vocabularyFile: url))
        default:
            let files = try ModelTextFiles.load(for: url)
            return TokenizerObject(files.tokenizer, chatTemplate: try files.chatTemplate.map { try ChatTemplate(source: $0) })
        }
    }
}

/// `loraf.tokenizer(path)` and the `Tokenizer` class.
enum TokenizerBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let tokenizerClass = module.defineClass(TokenizerObject.self, name: "Tokenizer", doc: """
            A tokenizer as Hugging Face tokenizers runs it: BERT WordPiece, byte-level BPE (GPT-2, Llama 3, SmolLM, \
            Qwen2) or SentencePiece (Llama 2 GGUF vocabularies). Ids count from 0 as in the vocabulary.
            """)
        module.function("tokenizer", doc: """
            loraf.tokenizer(path) -> Tokenizer
            Loads the tokenizer of a model folder (tokenizer.json, else vocab.txt with tokenizer_config.json) or of \
            a GGUF file, or the tokenizer.json or vocab.txt file `path` names. Errors name the missing or malformed \
            file and field.
            """) { args in
            [.object(try TokenizerObject.load(try args.string(1)))]
        }
        tokenizerClass.method("encode", doc: """
            tok:encode(text [, {pair = string, max_length = integer, add_special_tokens = true}]) -> table
            Encodes `text` (and `pair`, token type 1) into {ids = {...}, type_ids = {...}, mask = {...}, \
            tokens = {...}}: lists of equal length, ids counted from 0. `max_length` cuts to at most that many \
            tokens, special tokens included (default: the tokenizer's truncation, 128 for all-MiniLM-L6-v2).
            """) { object, args in
            let text = try args.string(2)
            let options = try args.options(3, keys: ["pair", "max_length", "add_special_tokens"])
            let addSpecial = try options.boolean("add_special_tokens") ?? true, maxLength = try options.positiveInteger("max_length")
            guard let wordPiece = object.tokenizer as? WordPieceTokenizer else {
                guard !options.value("pair").isPresent else { throw options.error("pair", mustBe: "absent: text pairs need a WordPiece (BERT) tokenizer") }
                let ids = Array(try object.tokenizer.encodeIds(text, addSpecialTokens: addSpecial).prefix(maxLength ?? Int.max))
                return [.record([
                    "ids": .list(ids.map(LuaValue.integer)), "type_ids": .list(ids.map { _ in .integer(0) }),
                    "mask": .list(ids.map { _ in .integer(1) }), "tokens": .list(ids.map { .string(object.tokenizer.token(for: $0) ?? "") }),
                ])]
            }
            let encoding = try wordPiece.encode(text, pair: try options.string("pair"), addSpecialTokens: addSpecial, maxLength: maxLength)
            return [.record([
                "ids": .list(encoding.ids.map(LuaValue.integer)),
                "type_ids": .list(encoding.tokenTypeIds.map(LuaValue.integer)),
                "mask": .list(encoding.attentionMask.map(LuaValue.integer)),
                "tokens": .list(encoding.tokens.map(LuaValue.string)),
            ])]
        }
        tokenizerClass.method("decode", doc: """
            tok:decode(ids [, {skip_special_tokens = true}]) -> string
            The text of a list of ids (byte sequences that are not UTF-8 become U+FFFD), special tokens left out unless \
            skip_special_tokens is false. Errors name the first id outside the vocabulary.
            """) { object, args in
            guard case .list(let items) = args.value(2) else {
                throw args.error(2, "list of integer ids expected, got \(args.value(2).errorDescription)")
            }
            let ids = try items.enumerated().map { index, item -> Int in
                guard let id = item.integerValue else {
                    throw args.error(2, "entry [\(index + 1)] is \(item.errorDescription), expected an integer id")
                }
                return id
            }
            let options = try args.options(3, keys: ["skip_special_tokens"])
            return [.string(try object.tokenizer.decode(ids, skipSpecialTokens: try options.boolean("skip_special_tokens") ?? true))]
        }
        tokenizerClass.method("vocab_size", doc: """
            tok:vocab_size() -> integer
            The number of tokens in the vocabulary (valid ids are 0 ... vocab_size - 1).
            """) { object, _ in [.integer(object.tokenizer.vocabSize)] }
        GenerationBindings.registerChatTemplate(on: tokenizerClass)
    }
}
