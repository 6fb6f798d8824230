import Foundation

/// Errors saving or loading checkpoints and run-folder files. Each message names the file or folder.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A setting or argument is out of range.
    case invalidArgument(String)
    /// A file-system operation failed.
    case io(operation: String, path: String, reason: String)
    /// A file exists but its content cannot be used.
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidArgument(reason): return "checkpoint: \(reason)"
        case let .io(operation, path, reason): return "\(path): cannot \(operation): \(reason)"
        case let .malformed(path, reason): return "\(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
