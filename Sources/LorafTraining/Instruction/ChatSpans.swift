import LorafTemplates

/// A rendered conversation cut into pieces of text, each marked as trained on or not.
struct TextPiece: Equatable {
    let text: String
    let trained: Bool
}

/// Finds where each assistant turn sits in a conversation rendered by a chat template, without knowing the
/// template: for assistant message `i`, the render of `messages[0..<i]` with the generation prompt ends where
/// the answer starts, and the render of `messages[0...i]` without it ends where the answer (with its end-of-turn
/// text) ends. The answer's text is what the second render adds to the first.
///
/// This assumes what transformers' `{% generation %}`-free masking assumes too: each render is a prefix of the
/// next (a template that rewrites earlier turns once later ones exist, e.g. dropping the reasoning of old
/// turns, breaks it, and is reported). Checked byte for byte; a failure throws ``DatasetError/malformed(_:reason:)``.
struct ChatSpans {
    let template: ChatTemplate
    let specialTokens: [String: String]

    /// The whole conversation rendered, cut at the start and end of each assistant turn; an assistant piece is
    /// `trained` when `train(ordinal, count)` is true for it (the `ordinal`-th of `count` assistant turns).
    func pieces(_ messages: [ChatMessage], train: (_ assistantOrdinal: Int, _ count: Int) -> Bool,
                at location: SourceLocation) throws -> [TextPiece] {
        let full = Array(try render(messages, generationPrompt: false, at: location).utf8)
        let assistants = messages.indices.filter { messages[$0].role == "assistant" }
        var pieces: [TextPiece] = []
        var cursor = 0
        for (ordinal, index) in assistants.enumerated() {
            let start = Array(try render(Array(messages[..<index]), generationPrompt: true, at: location).utf8)
            let end = Array(try render(Array(messages[...index]), generationPrompt: false, at: location).utf8)
            guard start.count >= cursor, end.starts(with: start), full.starts(with: end) else {
                throw DatasetError.malformed(location, reason: "the chat template does not render message \(index) (assistant) "
                    + "as an extension of the messages before it, so its tokens cannot be found; use train_on = \"all\"")
            }
            pieces.append(TextPiece(text: text(full[cursor..<start.count]), trained: false))
            pieces.append(TextPiece(text: text(full[start.count..<end.count]), trained: train(ordinal, assistants.count)))
            cursor = end.count
        }
        pieces.append(TextPiece(text: text(full[cursor...]), trained: false))
        return pieces.filter { !$0.text.isEmpty }
    }

    private func render(_ messages: [ChatMessage], generationPrompt: Bool, at location: SourceLocation) throws -> String {
        do {
            return try template.render(messages: messages, addGenerationPrompt: generationPrompt, specialTokens: specialTokens)
        } catch {
            throw DatasetError.malformed(location, reason: "the chat template rejected the conversation: \(error)")
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
