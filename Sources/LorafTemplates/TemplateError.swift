/// A position in a template's source: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Errors from compiling or rendering a template. Every case but `raised` says where in the source.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    /// The source does not parse: an unclosed tag or string, an unexpected token, an unsupported tag,
    /// nesting deeper than the parser allows.
    case syntax(message: String, at: SourceLocation)
    /// Rendering failed: an undefined variable used where Jinja2 raises, an unknown filter, test or
    /// method, a wrong argument type, a limit reached (recursion depth, loop iterations, output size).
    case render(message: String, at: SourceLocation)
    /// The template called `raise_exception(message)` (as chat templates do to reject a conversation).
    case raised(message: String)

    /// The message without the location.
    public var message: String {
        switch self {
        case let .syntax(message, _), let .render(message, _), let .raised(message):
            return message
        }
    }

    public var description: String {
        switch self {
        case let .syntax(message, location):
            return "template syntax error at \(location): \(message)"
        case let .render(message, location):
            return "template error at \(location): \(message)"
        case let .raised(message):
            return "template raised: \(message)"
        }
    }
}
