import Foundation

/// One message of a conversation: a role ("system", "user", "assistant", "tool"), its content, and any
/// other fields a template reads (`tool_calls`, `name`, `tool_call_id`), in the order given.
public struct ChatMessage: Equatable, Sendable {
    public var role: String
    /// Usually a string; `.none` for an assistant turn that only calls tools; a list for multimodal parts.
    public var content: TemplateValue
    public var fields: TemplateDictionary

    public init(role: String, content: TemplateValue, fields: TemplateDictionary = [:]) {
        self.role = role
        self.content = content
        self.fields = fields
    }

    public init(role: String, content: String, fields: TemplateDictionary = [:]) {
        self.init(role: role, content: .string(content), fields: fields)
    }

    /// The dictionary the template sees: `role`, `content`, then the other fields.
    public var templateValue: TemplateValue {
        var dictionary: TemplateDictionary = ["role": .string(role), "content": content]
        for pair in fields.pairs { dictionary[pair.key] = pair.value }
        return .dictionary(dictionary)
    }
}

/// A model's chat template (GGUF `tokenizer.chat_template`, or `chat_template` in tokenizer_config.json),
/// rendered as transformers' `apply_chat_template(messages, tokenize=False)` renders it.
///
/// ```swift
/// let chat = try ChatTemplate(source: gguf.metadata["tokenizer.chat_template"])
/// let prompt = try chat.render(messages: [ChatMessage(role: "user", content: "What is the capital of France?")],
///                              addGenerationPrompt: true,
///                              specialTokens: ["bos_token": "<|im_start|>", "eos_token": "<|im_end|>"])
/// ```
///
/// The template sees `messages`, `add_generation_prompt`, `tools` and `documents` (None unless
/// `extraContext` gives them, as transformers passes them), each special token as a string variable, and
/// `extraContext` (which wins over the others).
public struct ChatTemplate: Sendable {
    public let template: Template

    /// - Throws: `TemplateError.syntax` with line and column (see `Template.init(source:)`).
    public init(source: String) throws {
        template = try Template(source: source)
    }

    /// Renders a conversation.
    /// - Parameters:
    ///   - addGenerationPrompt: whether to open an assistant turn at the end (for generation).
    ///   - specialTokens: the tokenizer's special tokens by their transformers names (`bos_token`,
    ///     `eos_token`, `unk_token`, `pad_token`); absent ones are undefined in the template.
    ///   - extraContext: further variables (`tools`, `date_string`, `enable_thinking`...).
    ///   - now: the time `strftime_now` formats.
    /// - Throws: `TemplateError.raised` with the template's own message when it rejects the conversation
    ///   (a system role a model does not support, roles that do not alternate), `TemplateError.render`
    ///   for run-time errors (see `Template.render`).
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, specialTokens: [String: String] = [:],
                       extraContext: [String: TemplateValue] = [:], now: Date = Date()) throws -> String {
        try render(messages: messages.map(\.templateValue), addGenerationPrompt: addGenerationPrompt,
                   specialTokens: specialTokens, extraContext: extraContext, now: now)
    }

    /// Renders a conversation given as template values (each message a dictionary, e.g. from
    /// `TemplateValue(json:)`); see `render(messages:addGenerationPrompt:specialTokens:extraContext:now:)`.
    public func render(messages: [TemplateValue], addGenerationPrompt: Bool, specialTokens: [String: String] = [:],
                       extraContext: [String: TemplateValue] = [:], now: Date = Date()) throws -> String {
        var context: [String: TemplateValue] = ["tools": .none, "documents": .none]
        for (name, token) in specialTokens { context[name] = .string(token) }
        context["messages"] = .array(messages)
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        context.merge(extraContext) { _, extra in extra }
        return try template.render(context, now: now)
    }
}
