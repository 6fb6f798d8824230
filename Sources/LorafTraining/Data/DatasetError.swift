import Foundation

/// Errors thrown while reading or splitting a ``TextClassificationDataset``.
/// Every message names what is wrong and where (`file:line:` for problems inside a file).
public enum DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read at all.
    case unreadableFile(path: String, reason: String)
    /// A line (or CSV record) of the file is not valid for the declared format, encoding or labels.
    case malformed(SourceLocation, reason: String)
    /// The reader or split options contradict each other or are out of range.
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): return "\(path): cannot read the file: \(reason)"
        case let .malformed(location, reason): return "\(location): \(reason)"
        case let .invalidOption(reason): return "invalid dataset option: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
