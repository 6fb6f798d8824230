/// Errors thrown while loading a tokenizer or encoding/decoding with it.
///
/// Every case names what went wrong and where (file and field, or argument and position),
/// so that a message can be shown to a user as is.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A required file does not exist.
    case missingFile(path: String)
    /// A file exists but could not be read or decoded as UTF-8 / JSON.
    case unreadableFile(path: String, reason: String)
    /// A field of a file is absent or has the wrong type or value.
    case malformedField(path: String, field: String, reason: String)
    /// A field holds a value this tokenizer does not implement (for example another model type).
    case unsupported(path: String, field: String, value: String)
    /// An argument of an encode/decode call is out of range or inconsistent.
    case invalidArgument(name: String, reason: String)

    public var description: String {
        switch self {
        case let .missingFile(path):
            return "tokenizer: file not found: \(path)"
        case let .unreadableFile(path, reason):
            return "tokenizer: cannot read \(path): \(reason)"
        case let .malformedField(path, field, reason):
            return "tokenizer: \(path): field '\(field)': \(reason)"
        case let .unsupported(path, field, value):
            return "tokenizer: \(path): field '\(field)' has unsupported value \(value)"
        case let .invalidArgument(name, reason):
            return "tokenizer: argument '\(name)': \(reason)"
        }
    }
}
