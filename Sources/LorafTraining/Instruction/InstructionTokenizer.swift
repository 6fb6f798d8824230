import LorafTemplates
import LorafTokenizers

/// Turns ``InstructionRecord``s into ids and labels for a causal LM.
///
/// - Conversations are rendered by the model's chat template and cut into pieces by ``ChatSpans``; each piece is
///   tokenized on its own (no special tokens added: the template writes them) and the ids are joined. Where a cut
///   falls next to a special token or a newline, as in ChatML, this equals tokenizing the whole render.
///   In a trained assistant piece, whitespace that follows its last special token (ChatML's `\n` after
///   `<|im_end|>`) is not trained: it belongs to the template's layout, not to the answer.
/// - Prompt/completion: `encode(prompt)` (with the tokenizer's own BOS, if it adds one), then `encode(completion)`
///   and EOS; the completion and EOS are trained.
/// - Text: `encode(text)` and EOS, all trained.
public struct InstructionTokenizer: Sendable {
    public let tokenizer: any Tokenizer
    public let chatTemplate: ChatTemplate?
    /// The special tokens the template sees (`bos_token`, `eos_token`...).
    public let specialTokens: [String: String]
    public let options: InstructionOptions

    public init(tokenizer: any Tokenizer, chatTemplate: ChatTemplate?, specialTokens: [String: String], options: InstructionOptions) {
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.specialTokens = specialTokens
        self.options = options
    }

    /// The ids and labels of `record`, not yet cut to ``InstructionOptions/maxLength``.
    /// - Throws: ``DatasetError/invalidOption(_:)`` for a `trainOn` the record cannot use;
    ///   ``DatasetError/malformed(_:reason:)`` at the record when there is no chat template for a conversation,
    ///   the template rejects it, or the tokenizer fails.
    public func tokenize(_ record: InstructionRecord) throws -> TokenizedInstruction {
        try options.validate(for: record.content)
        var ids: [Int] = [], labels: [Int] = []
        func append(_ piece: [Int], trained: Bool) {
            ids += piece
            labels += trained ? piece : Array(repeating: ignoredLabel, count: piece.count)
        }
        let all = options.trainOn == .all
        do {
            switch record.content {
            case let .chat(messages):
                for piece in try chatPieces(messages, at: record.source) {
                    let pieceIds = try tokenizer.encodeIds(piece.text, addSpecialTokens: false)
                    let trainedCount = piece.trained ? trainedPrefixLength(pieceIds) : 0
                    append(Array(pieceIds[..<trainedCount]), trained: true)
                    append(Array(pieceIds[trainedCount...]), trained: all)
                }
            case let .promptCompletion(prompt, completion):
                append(try tokenizer.encodeIds(prompt, addSpecialTokens: true), trained: all)
                append(try tokenizer.encodeIds(completion, addSpecialTokens: false) + eos, trained: true)
            case let .text(text):
                append(try tokenizer.encodeIds(text, addSpecialTokens: true) + eos, trained: true)
            }
        } catch let error as DatasetError {
            throw error
        } catch {
            throw DatasetError.malformed(record.source, reason: "cannot tokenize the record: \(error)")
        }
        return TokenizedInstruction(ids: ids, labels: labels, source: record.source)
    }

    private var eos: [Int] { tokenizer.eosTokenId.map { [$0] } ?? [] }

    private func chatPieces(_ messages: [ChatMessage], at location: SourceLocation) throws -> [TextPiece] {
        guard let chatTemplate else {
            throw DatasetError.malformed(location, reason: "a conversation needs the model's chat template, and the model has none")
        }
        let trainOn = options.trainOn
        return try ChatSpans(template: chatTemplate, specialTokens: specialTokens).pieces(messages, train: { ordinal, count in
            trainOn == .all || trainOn == .assistant || (trainOn == .last && ordinal == count - 1)
        }, at: location)
    }

    /// How many leading ids of an assistant piece are trained: all but the whitespace-only tokens after the last
    /// special token (all of them when the piece has no special token or ends with one).
    private func trainedPrefixLength(_ ids: [Int]) -> Int {
        guard let lastSpecial = ids.lastIndex(where: tokenizer.isSpecial) else { return ids.count }
        let tail = Array(ids[(lastSpecial + 1)...])
        let tailText = (try? tokenizer.decode(tail, skipSpecialTokens: false)) ?? ""
        return tailText.allSatisfy(\.isWhitespace) ? lastSpecial + 1 : ids.count
    }
}
