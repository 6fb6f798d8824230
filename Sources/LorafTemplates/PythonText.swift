/// How Python prints values: `str()` for `{{ }}` output, `~` and the `string` filter, `repr()` for the items
/// of printed lists and dictionaries.
extension Value {
    /// Python's `str(value)`; an undefined value prints as "" (Jinja2's default `Undefined`).
    var pythonString: String {
        switch self {
        case .undefined: return ""
        case let .string(text): return text
        default: return pythonRepr
        }
    }

    /// Containers nested deeper than this print as `...` (as Python prints a container holding itself), so
    /// a namespace that holds itself or a list wrapped thousands of times cannot overflow the stack.
    static let maximumPrintDepth = 200

    /// Python's `repr(value)`.
    var pythonRepr: String { repr(depth: 0) }

    private func repr(depth: Int) -> String {
        if depth > Self.maximumPrintDepth { return "..." }
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case let .bool(flag): return flag ? "True" : "False"
        case let .int(number): return String(number)
        case let .double(number): return Self.pythonFloat(number)
        case let .string(text): return Self.pythonQuoted(text)
        case let .array(items): return "[" + items.map { $0.repr(depth: depth + 1) }.joined(separator: ", ") + "]"
        case let .dictionary(dictionary):
            let body = dictionary.pairs.map { Self.pythonQuoted($0.key) + ": " + $0.value.repr(depth: depth + 1) }
            return "{" + body.joined(separator: ", ") + "}"
        case let .namespace(namespace):
            let body = namespace.attributes.pairs.map { Self.pythonQuoted($0.key) + ": " + $0.value.repr(depth: depth + 1) }
            return "<Namespace {" + body.joined(separator: ", ") + "}>"
        case let .function(function): return "<function \(function.name)>"
        }
    }

    /// Python's `repr(float)`: the shortest digits that read back the same ("1.0", "0.1", "1e-05", "inf").
    static func pythonFloat(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        return "\(number)"
    }

    /// Python's `repr(str)`: single quotes unless the text holds a single quote and no double quote.
    static func pythonQuoted(_ text: String) -> String {
        let quote: Unicode.Scalar = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String.UnicodeScalarView()
        result.append(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": result.append(contentsOf: "\\n".unicodeScalars)
            case "\r": result.append(contentsOf: "\\r".unicodeScalars)
            case "\t": result.append(contentsOf: "\\t".unicodeScalars)
            case quote: result.append("\\"); result.append(quote)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    result.append(contentsOf: ("\\x" + String(repeating: "0", count: 2 - hex.count) + hex).unicodeScalars)
                } else {
                    result.append(scalar)
                }
            }
        }
        result.append(quote)
        return String(result)
    }
}
