/// Jinja2's tests (`value is name(args)`), with Python's type rules: `number` includes booleans, `integer`
/// does not, `sequence` and `iterable` include strings and dictionaries. Unknown names are rejected when
/// parsing.
enum BuiltinTests {
    static let names: Set<String> = [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false",
        "mapping", "iterable", "sequence", "callable", "odd", "even", "divisibleby", "eq", "equalto",
        "ne", "lt", "le", "gt", "ge", "in", "sameas", "lower", "upper",
    ]

    static func apply(_ name: String, to value: Value, _ invocation: Invocation) throws -> Bool {
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true } else { return false }
        case "string": if case .string = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "mapping": if case .dictionary = value { return true } else { return false }
        case "callable": if case .function = value { return true } else { return false }
        case "number":
            switch value {
            case .int, .double, .bool: return true
            default: return false
            }
        case "iterable", "sequence":
            switch value {
            case .string, .array, .dictionary: return true
            default: return false
            }
        case "odd", "even":
            guard case let .int(number) = value else { throw invocation.error("needs an integer") }
            return (abs(number % 2) == 1) == (name == "odd")
        case "lower", "upper":
            guard case let .string(text) = value else { return false }
            return name == "lower" ? text == text.lowercased() : text == text.uppercased()
        default:
            return try compare(name, value, invocation)
        }
    }

    private static func compare(_ name: String, _ value: Value, _ invocation: Invocation) throws -> Bool {
        guard let other = invocation.positional.first, invocation.positional.count == 1 else {
            throw invocation.error("the '\(name)' test takes one argument")
        }
        switch name {
        case "divisibleby":
            guard case let .int(number) = value, case let .int(divisor) = other, divisor != 0 else {
                throw invocation.error("needs integers and a non-zero divisor")
            }
            return number % divisor == 0
        case "eq", "equalto": return Operators.equal(value, other)
        case "ne": return !Operators.equal(value, other)
        case "lt": return try Operators.compare(value, other, "<") < 0
        case "le": return try Operators.compare(value, other, "<=") <= 0
        case "gt": return try Operators.compare(value, other, ">") > 0
        case "ge": return try Operators.compare(value, other, ">=") >= 0
        case "in": return try Operators.contains(other, value)
        default: return identical(value, other)
        }
    }

    /// `sameas`: Python's `is` for the singletons templates compare with (none, true, false).
    private static func identical(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.namespace(a), .namespace(b)): return a === b
        default: return false
        }
    }
}
