/// Errors of building, loading and running models. Messages name the module path or tensor involved.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A module or parameter that should exist does not.
    case missing(path: String, in: String)
    /// A checkpoint tensor whose shape disagrees with the model's parameter.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// Tensors the checkpoint lacks (first few named).
    case missingTensors([String], source: String)
    /// Tensors in the checkpoint that the model has no place for.
    case unexpectedTensors([String], source: String)
    /// A bad configuration value or call.
    case invalid(String)

    public var description: String {
        switch self {
        case let .missing(path, kind): return "no module or parameter '\(path)' in \(kind)"
        case let .shapeMismatch(tensor, expected, found):
            return "tensor '\(tensor)' has shape \(found) in the checkpoint but the model expects \(expected)"
        case let .missingTensors(names, source):
            return "\(source) lacks \(names.count) tensor(s) the model needs: " + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
        case let .unexpectedTensors(names, source):
            return "\(source) has \(names.count) tensor(s) the model has no place for: " + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
        case let .invalid(message): return message
        }
    }
}
