import Foundation
import LorafGeneration
import LorafTemplates
import LorafTokenizers

/// `model:generate`, `model:tokenizer()` and `tok:apply_chat_template`: text generation from Lua.
enum GenerationBindings {
    static let generationOptionKeys = ["max_new_tokens", "temperature", "top_k", "top_p", "min_p", "repetition_penalty", "seed", "stop",
                               "int8_activations"]

    static func register(on modelClass: LuaClass<ModelObject>) {
        modelClass.method("generate", doc: """
            model:generate{prompt = s | prompts = {...} | messages = {...} | conversations = {{...}, ...}, \\
            max_new_tokens = 64, temperature = 0, top_k = 0, top_p = 1, min_p = 0, repetition_penalty = 1, seed = 0, \\
            stop = {...}, int8_activations = false, adapter_names = {...}, on_token = function(text, row) end} -> text, info
            Generates with a key/value cache in evaluation mode. `prompt` is plain text (the tokenizer's BOS added \\
            where it adds one); `messages` ({role =, content =} tables) go through the model's chat template with \\
            the generation prompt. `prompts` / `conversations` run a batch (left-padded) and return lists. \\
            temperature 0 is greedy decoding; otherwise top_k, top_p and min_p filter and `seed` fixes the draws. \\
            Rows end at the tokenizer's EOS, at a `stop` string (cut before it) or after max_new_tokens. \\
            `adapter_names` picks an adapter per row (a name, or false or "" for the base model). `on_token` \\
            receives each new piece of text as it is decoded (and the 1-based row); returning false stops that row. \\
            Returns the text and {token_ids = {...}, finish_reason = "stop_token" | "stop_string" | "length" | \\
            "cancelled"} (lists of both for a batch).
            """) { object, args in
            let options = try args.options(2, keys: ["prompt", "prompts", "messages", "conversations", "adapter_names", "on_token"] + generationOptionKeys)
            let lm = try object.languageModel(for: args.function)
            let (prompts, single) = try encodedPrompts(options, lm)
            let adapters = try ModelInputs.adapterNames(options)
            let onToken = try options.function("on_token")
            let results = try lm.generator.generate(prompts: prompts, adapters: adapters, options: lm.withDefaultStops(try generationOptions(options))) { row, text in
                guard let onToken else { return true }
                return try onToken.call([.string(text), .integer(row + 1)]).first?.booleanValue != false
            }
            let texts = results.map { LuaValue.string($0.text) }
            let infos = results.map { LuaValue.record(["token_ids": .list($0.tokenIds.map(LuaValue.integer)), "finish_reason": .string($0.finishReason.rawValue)]) }
            return single ? [texts[0], infos[0]] : [.list(texts), .list(infos)]
        }
        modelClass.method("tokenizer", doc: """
            model:tokenizer() -> Tokenizer
            The model's tokenizer, with its chat template (tok:apply_chat_template).
            """) { object, args in
            [.object(TokenizerObject(try object.loadedTokenizer(for: args.function), chatTemplate: try object.chatTemplate.get()))]
        }
    }

    static func registerChatTemplate(on tokenizerClass: LuaClass<TokenizerObject>) {
        tokenizerClass.method("apply_chat_template", doc: """
            tok:apply_chat_template(messages [, {add_generation_prompt = true, tokenize = false}]) -> string or ids
            Renders a conversation ({role =, content =} tables) with the model's chat template, as transformers' \\
            apply_chat_template does; with tokenize = true returns the ids (no special tokens added beyond what the \\
            template writes). Errors when the model has no template or the template rejects the conversation.
            """) { object, args in
            let options = try args.options(3, keys: ["add_generation_prompt", "tokenize"])
            guard let template = object.chatTemplate else { throw LuaError.argument("\(args.function): this tokenizer's model has no chat template") }
            let text = try template.render(messages: try messages(args.value(2), argument: "messages", function: args.function),
                                           addGenerationPrompt: try options.boolean("add_generation_prompt") ?? true,
                                           specialTokens: LanguageModel.specialTokens(of: object.tokenizer))
            guard try options.boolean("tokenize") == true else { return [.string(text)] }
            return [.list(try object.tokenizer.encodeIds(text, addSpecialTokens: false).map(LuaValue.integer))]
        }
    }

    /// The prompts of `prompt` / `prompts` (plain text) or `messages` / `conversations` (chat), encoded; and whether
    /// one prompt was given (results then come back unwrapped).
    static func encodedPrompts(_ options: LuaOptions, _ lm: LanguageModel) throws -> ([[Int]], Bool) {
        let given = ["prompt", "prompts", "messages", "conversations"].filter { options.value($0).isPresent }
        guard given.count == 1 else {
            throw LuaError.argument("\(options.function): give exactly one of 'prompt', 'prompts', 'messages' or 'conversations' (got \(given.isEmpty ? "none" : given.joined(separator: ", ")))")
        }
        switch given[0] {
        case "prompt": return ([try lm.encode(try options.string("prompt")!, chat: false)], true)
        case "prompts":
            guard let texts = try options.stringList("prompts"), !texts.isEmpty else { throw options.error("prompts", mustBe: "a non-empty list of strings") }
            return (try texts.map { try lm.encode($0, chat: false) }, false)
        case "messages":
            return ([try lm.encode(lm.applyChatTemplate(messages(options.value("messages"), argument: "messages", function: options.function)), chat: true)], true)
        default:
            guard case let .list(chats) = options.value("conversations"), !chats.isEmpty else {
                throw options.error("conversations", mustBe: "a non-empty list of message lists")
            }
            return (try chats.enumerated().map { index, chat in
                try lm.encode(lm.applyChatTemplate(messages(chat, argument: "conversations[\(index + 1)]", function: options.function)), chat: true)
            }, false)
        }
    }

    /// A list of {role = string, content = string, ...} tables as chat messages (other string fields kept).
    static func messages(_ value: LuaValue, argument: String, function: String) throws -> [ChatMessage] {
        guard case let .list(items) = value, !items.isEmpty else {
            throw LuaError.argument("\(function): '\(argument)' must be a non-empty list of {role = ..., content = ...} tables")
        }
        return try items.enumerated().map { index, item in
            guard case let .record(fields) = item, let role = fields["role"]?.stringValue, let content = fields["content"]?.stringValue else {
                throw LuaError.argument("\(function): '\(argument)' entry [\(index + 1)] must be a table with string 'role' and 'content', got \(item.errorDescription)")
            }
            var extra = TemplateDictionary()
            for (key, field) in fields.sorted(by: { $0.key < $1.key }) where key != "role" && key != "content" {
                guard let text = field.stringValue else {
                    throw LuaError.argument("\(function): '\(argument)' entry [\(index + 1)] field '\(key)' must be a string, got \(field.errorDescription)")
                }
                extra[key] = .string(text)
            }
            return ChatMessage(role: role, content: content, fields: extra)
        }
    }

    /// Generation options from the named arguments, each range checked (the message names the argument).
    static func generationOptions(_ options: LuaOptions) throws -> GenerationOptions {
        var sampling = SamplingOptions()
        if let t = try options.number("temperature") { sampling.temperature = Float(t) }
        if let k = try options.integer("top_k") { sampling.topK = k }
        if let p = try options.number("top_p") { sampling.topP = Float(p) }
        if let p = try options.number("min_p") { sampling.minP = Float(p) }
        if let r = try options.number("repetition_penalty") { sampling.repetitionPenalty = Float(r) }
        if let seed = try options.integer("seed") { sampling.seed = UInt64(bitPattern: Int64(seed)) }
        let generation = GenerationOptions(maxNewTokens: try options.integer("max_new_tokens") ?? 64, sampling: sampling,
                                           stopStrings: try options.stringList("stop") ?? [],
                                           integerActivations: try options.boolean("int8_activations") ?? false)
        do { try generation.validate() } catch let error as GenerationError { throw LuaError.argument("\(options.function): \(error)") }
        return generation
    }
}
