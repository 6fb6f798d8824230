/// Errors thrown by tensor operations. Every message names the operation and quotes the shapes involved.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Two operands whose shapes cannot be combined by `op`.
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int], detail: String)
    /// An argument that is out of range or inconsistent for `op` (an axis, an index, a probability...).
    case invalidArgument(op: String, message: String)
    /// `backward()` was called in a way autodiff cannot honour.
    case autograd(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs, detail):
            return "\(op): shapes \(lhs) and \(rhs) are incompatible" + (detail.isEmpty ? "" : " (\(detail))")
        case let .invalidArgument(op, message):
            return "\(op): \(message)"
        case let .autograd(message):
            return "backward: \(message)"
        }
    }
}
