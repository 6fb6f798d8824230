import LorafTemplates

/// The record layouts an instruction or chat file may use (one per file, given or detected).
///
/// | format | keys of each record |
/// |---|---|
/// | `messages` | `messages`: a list of `{"role", "content"}`, roles `system`, `user`, `assistant` |
/// | `sharegpt` | `conversations`: a list of `{"from", "value"}`, `from` one of `system`, `human`, `gpt` (also `user`, `assistant`) |
/// | `prompt_completion` | `prompt` and `completion` strings |
/// | `text` | `text`: a string trained on whole |
/// | `alpaca` | `instruction`, optional `input`, `output`: becomes a user turn (instruction, a blank line, input) and an assistant turn (output) |
public enum InstructionFormat: String, Sendable, CaseIterable, Codable {
    case messages
    case sharegpt
    case promptCompletion = "prompt_completion"
    case text
    case alpaca

    /// The format whose key the record has, checked in the order `messages`, `conversations`, `prompt`,
    /// `instruction`, `text`; nil when none is there.
    static func detect(_ record: TemplateDictionary) -> InstructionFormat? {
        let keys: [(String, InstructionFormat)] = [("messages", .messages), ("conversations", .sharegpt),
                                                   ("prompt", .promptCompletion), ("instruction", .alpaca), ("text", .text)]
        return keys.first { record[$0.0] != nil }?.1
    }
}

/// What one record holds once its format is known.
public enum InstructionContent: Equatable, Sendable {
    /// A conversation, rendered through the model's chat template (`messages`, `sharegpt`, `alpaca`).
    case chat([ChatMessage])
    /// A prompt and the answer to it, tokenized one after the other (no chat template), the answer ended by EOS.
    case promptCompletion(prompt: String, completion: String)
    /// Plain text, trained on whole (with the tokenizer's BOS where it adds one, and EOS).
    case text(String)
}

/// One record of an instruction file and where it starts.
public struct InstructionRecord: Equatable, Sendable {
    public let content: InstructionContent
    /// `file:line` of the record's first line (for a JSON array, the line where the element starts).
    public let source: SourceLocation

    public init(content: InstructionContent, source: SourceLocation) {
        self.content = content
        self.source = source
    }
}
