/// Where an example came from: the file path as given to the reader and the 1-based line number
/// (for a CSV record spanning several lines, the line where the record starts).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`, the form used in every reader error message.
    public var description: String { "\(file):\(line)" }
}

/// One labelled example of a sentence (or sentence-pair) classification task.
public struct TextExample: Sendable, Hashable, Codable {
    /// The text to classify.
    public let text: String
    /// The second text of a pair task (e.g. the hypothesis of an NLI pair); `nil` for single-text tasks.
    public let textPair: String?
    /// The 0-based class id.
    public let label: Int
    /// The file and line the example was read from; `nil` for examples built in code.
    public let source: SourceLocation?

    public init(text: String, textPair: String? = nil, label: Int, source: SourceLocation? = nil) {
        self.text = text
        self.textPair = textPair
        self.label = label
        self.source = source
    }
}
