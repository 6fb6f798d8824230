/// Which tokens of an instruction example carry labels (the rest get -100, transformers' ignore index).
public enum TrainOn: String, Sendable, CaseIterable, Codable {
    /// Every assistant turn: its content and the template's end-of-turn token (`<|im_end|>` for ChatML), none of
    /// the headers (`<|im_start|>assistant\n`). Prompt/completion records: the completion and EOS.
    case assistant
    /// Prompt/completion records only: the completion and EOS.
    case completion
    /// Only the last assistant turn of each conversation (prompt/completion records: the completion).
    case last
    /// Every token (the only choice for `text` records).
    case all
}

/// What to do with an example longer than ``InstructionOptions/maxLength`` tokens.
public enum OverflowPolicy: String, Sendable, CaseIterable, Codable {
    /// Keep the first `maxLength` tokens (and their labels).
    case truncate
    /// Leave the example out.
    case drop
}

/// How instruction records become token ids and labels.
public struct InstructionOptions: Sendable, Equatable {
    public var trainOn: TrainOn
    /// The most tokens an example (or a packed sequence) may have; > 0.
    public var maxLength: Int
    public var overflow: OverflowPolicy

    public init(trainOn: TrainOn = .assistant, maxLength: Int = 1024, overflow: OverflowPolicy = .truncate) {
        self.trainOn = trainOn
        self.maxLength = maxLength
        self.overflow = overflow
    }

    /// - Throws: ``DatasetError/invalidOption(_:)`` for `maxLength` < 1, or a `trainOn` the records cannot use
    ///   (`completion` for conversations, anything but `all` for plain text).
    func validate(for content: InstructionContent) throws {
        guard maxLength >= 1 else { throw DatasetError.invalidOption("max_length must be at least 1, got \(maxLength)") }
        switch (content, trainOn) {
        case (.chat, .completion):
            throw DatasetError.invalidOption("train_on = \"completion\" needs prompt/completion records; use \"assistant\" or \"last\" for conversations")
        case (.text, let mode) where mode != .all:
            throw DatasetError.invalidOption("text records have no answer to train on; use train_on = \"all\" (got \"\(mode.rawValue)\")")
        default: break
        }
    }
}

/// One tokenized example: ids, labels (-100 where not trained) and where it came from.
public struct TokenizedInstruction: Equatable, Sendable {
    /// Token ids, at most ``InstructionOptions/maxLength``.
    public var ids: [Int]
    /// Same length as `ids`: the id where the token is trained on, -100 elsewhere (unshifted, as transformers:
    /// the loss shifts them).
    public var labels: [Int]
    public let source: SourceLocation

    public init(ids: [Int], labels: [Int], source: SourceLocation) {
        self.ids = ids
        self.labels = labels
        self.source = source
    }

    /// The number of tokens that carry a label.
    public var labelledCount: Int { labels.reduce(0) { $0 + ($1 == ignoredLabel ? 0 : 1) } }
}

/// transformers' ignore index: a label that takes no part in the loss.
public let ignoredLabel = -100
