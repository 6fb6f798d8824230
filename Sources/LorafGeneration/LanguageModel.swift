import Foundation
import LorafModels
import LorafStrategies
import LorafTemplates
import LorafTokenizers

/// A causal language model ready to chat: the model (with any adapters), its tokenizer and its chat template, as
/// loaded from a GGUF file or a Hugging Face folder.
///
/// ```swift
/// let lm = try LanguageModel.load(URL(fileURLWithPath: "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
/// let answer = try lm.chat([ChatMessage(role: "user", content: "What is the capital of France?")],
///                          options: GenerationOptions(maxNewTokens: 32))
/// print(answer.text)   // The capital of France is Paris.
/// ```
public final class LanguageModel {
    public let model: AdaptedModel
    public let tokenizer: any Tokenizer
    /// The model's own chat template, nil when it ships none.
    public let chatTemplate: ChatTemplate?
    /// Where the model was loaded from.
    public let source: URL

    /// Bundles parts already loaded (``load(_:seed:)`` loads all three from a file or folder).
    public init(model: AdaptedModel, tokenizer: any Tokenizer, chatTemplate: ChatTemplate?, source: URL) {
        self.model = model
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.source = source
    }

    /// Loads the causal LM at `url` (a `.gguf` file or a folder) with its tokenizer and chat template.
    /// - Throws: the loader's, tokenizer's and template parser's errors, each naming the file.
    public static func load(_ url: URL, seed: UInt64 = 0) throws -> LanguageModel {
        let files = try ModelFiles.open(url)
        let model = try ModelLoader.load(files, task: .causalLM, seed: seed)
        let text = try ModelTextFiles.load(for: files)
        return LanguageModel(model: AdaptedModel(model), tokenizer: text.tokenizer,
                             chatTemplate: try text.chatTemplate.map { try ChatTemplate(source: $0) }, source: url)
    }

    /// The special tokens a chat template sees (`bos_token`, `eos_token`, ...), as transformers passes them.
    public var specialTokens: [String: String] { LanguageModel.specialTokens(of: tokenizer) }

    /// `tokenizer`'s special tokens by their transformers names (`bos_token`, `eos_token`, `pad_token`, `unk_token`).
    public static func specialTokens(of tokenizer: any Tokenizer) -> [String: String] {
        var out: [String: String] = [:]
        for (name, id) in [("bos_token", tokenizer.bosTokenId), ("eos_token", tokenizer.eosTokenId),
                           ("pad_token", tokenizer.padTokenId), ("unk_token", tokenizer.unknownTokenId)] {
            if let id, let token = tokenizer.token(for: id) { out[name] = token }
        }
        return out
    }

    /// The conversation rendered by the model's chat template.
    /// - Throws: `GenerationError.invalidPrompt` when the model has no template; `TemplateError` when the template
    ///   rejects the conversation.
    public func applyChatTemplate(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> String {
        guard let chatTemplate else {
            throw GenerationError.invalidPrompt("\(source.lastPathComponent) has no chat template; give a plain prompt instead")
        }
        return try chatTemplate.render(messages: messages, addGenerationPrompt: addGenerationPrompt, specialTokens: specialTokens)
    }

    /// Token ids of a rendered chat (no special tokens added: the template writes them, as transformers'
    /// `apply_chat_template(tokenize=True)` does) or of a plain prompt (with the tokenizer's BOS where it adds one).
    public func encode(_ text: String, chat: Bool) throws -> [Int] {
        try tokenizer.encodeIds(text, addSpecialTokens: !chat)
    }

    /// The generator over this model; each row's text comes from a `StreamingDecoder` without special tokens.
    public var generator: TextGenerator {
        let tokenizer = self.tokenizer
        return TextGenerator(model: model, padTokenId: tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0) {
            StreamingDecoder(tokenizer: tokenizer, skipSpecialTokens: true)
        }
    }

    /// `options` with the tokenizer's EOS added to the stop tokens.
    public func withDefaultStops(_ options: GenerationOptions) -> GenerationOptions {
        var options = options
        if let eos = tokenizer.eosTokenId { options.stopTokenIds.insert(eos) }
        return options
    }

    /// Continues each prompt (plain text), each row with its adapter (`adapters`, nil entries: the base model).
    public func generate(_ prompts: [String], adapters: [String?]? = nil, options: GenerationOptions,
                         onText: ((Int, String) throws -> Bool)? = nil) throws -> [GeneratedSequence] {
        try generator.generate(prompts: prompts.map { try encode($0, chat: false) }, adapters: adapters,
                               options: withDefaultStops(options), onText: onText)
    }

    /// Answers a conversation: renders it with the chat template (generation prompt added) and generates.
    public func chat(_ messages: [ChatMessage], adapter: String? = nil, options: GenerationOptions,
                     onText: ((String) throws -> Bool)? = nil) throws -> GeneratedSequence {
        let ids = try encode(applyChatTemplate(messages), chat: true)
        return try generator.generate(prompts: [ids], adapters: adapter.map { [$0] }, options: withDefaultStops(options),
                                      onText: onText.map { callback in { _, text in try callback(text) } })[0]
    }
}
