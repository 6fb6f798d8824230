/// The filters (`value | name(args)`) chat templates use, with Jinja2's behaviour, except `tojson`, which is
/// transformers' (Python `json.dumps` with `ensure_ascii=False`, no HTML escaping; `indent`,
/// `separators`, `sort_keys`, `ensure_ascii` arguments). Unknown names are rejected when parsing.
enum Filters {
    static let names: Set<String> = [
        "trim", "length", "count", "tojson", "upper", "lower", "capitalize", "title", "first", "last", "join",
        "default", "d", "list", "string", "int", "float", "items", "reverse", "safe", "escape", "e", "abs",
        "replace", "select", "reject", "selectattr", "rejectattr", "map", "unique",
    ]

    static func apply(_ name: String, to value: Value, _ invocation: Invocation, renderer: Renderer) throws -> Value {
        switch name {
        case "default", "d":
            try invocation.check(maximumPositional: 2, keywords: ["default_value", "boolean"])
            let useFalsy = invocation.argument(1, "boolean")?.isTruthy ?? false
            let missing = value.isUndefined || (useFalsy && !value.isTruthy)
            return missing ? invocation.argument(0, "default_value") ?? .string("") : value
        case "length", "count":
            return .int(try length(of: value, invocation))
        case "string":
            return .string(value.pythonString)
        case "safe":
            return value
        case "tojson":
            try invocation.check(maximumPositional: 1, keywords: ["indent", "separators", "sort_keys", "ensure_ascii"])
            return .string(try JSONEncoding(invocation).encode(value))
        case "select", "reject", "selectattr", "rejectattr", "map", "unique":
            return try Selection.apply(name, to: try renderer.iterate(value, at: invocation.location), invocation)
        default:
            return try applyToValue(name, value, invocation)
        }
    }

    private static func length(of value: Value, _ invocation: Invocation) throws -> Int {
        switch value {
        case .undefined: return 0
        case let .string(text): return text.unicodeScalars.count
        case let .array(items): return items.count
        case let .dictionary(dictionary): return dictionary.count
        default: throw invocation.error("object of type '\(value.typeName)' has no len()")
        }
    }

    /// The text and sequence filters read an undefined value as Python reads Jinja2's `Undefined`: an empty
    /// string, an empty sequence.
    private static func applyToValue(_ name: String, _ value: Value, _ invocation: Invocation) throws -> Value {
        switch name {
        case "trim":
            return .string(PythonStrings.strip(value.pythonString, chars: try invocation.string(0, "chars"),
                                               leading: true, trailing: true))
        case "upper": return .string(value.pythonString.uppercased())
        case "lower": return .string(value.pythonString.lowercased())
        case "capitalize": return .string(PythonStrings.capitalize(value.pythonString))
        case "title": return .string(PythonStrings.titleWords(value.pythonString))
        case "escape", "e": return .string(htmlEscaped(value.pythonString))
        case "replace":
            guard let old = try invocation.string(0, "old"), let new = try invocation.string(1, "new") else {
                throw invocation.error("needs the old and new strings")
            }
            return .string(PythonStrings.replace(value.pythonString, old, new, count: try invocation.integer(2, "count") ?? -1))
        case "first", "last", "reverse", "list", "items", "join":
            return try sequenceFilter(name, value, invocation)
        default:
            return try numberFilter(name, value, invocation)
        }
    }

    private static func items(_ value: Value, _ invocation: Invocation) throws -> [Value] {
        switch value {
        case .undefined: return []
        case let .array(items): return items
        case let .string(text): return text.unicodeScalars.map { .string(String($0)) }
        case let .dictionary(dictionary): return dictionary.keys.map(Value.string)
        default: throw invocation.error("'\(value.typeName)' object is not iterable")
        }
    }

    private static func sequenceFilter(_ name: String, _ value: Value, _ invocation: Invocation) throws -> Value {
        switch name {
        case "first", "last":
            let all = try items(value, invocation)
            return (name == "first" ? all.first : all.last) ?? .undefined(hint: "No \(name) item, sequence was empty.")
        case "reverse":
            if case let .string(text) = value { return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed()))) }
            return .array(try items(value, invocation).reversed())
        case "list":
            return .array(try items(value, invocation))
        case "items":
            if value.isUndefined { return .array([]) }
            guard case let .dictionary(dictionary) = value else { throw invocation.error("can only be applied to a mapping") }
            return .array(dictionary.pairs.map { .array([.string($0.key), $0.value]) })
        default:
            let separator = try invocation.string(0, "d") ?? ""
            var parts = try items(value, invocation)
            if let attribute = try invocation.string(1, "attribute") {
                parts = try parts.map { try Lookup.attribute($0, attribute) }
            }
            return .string(parts.map(\.pythonString).joined(separator: separator))
        }
    }

    private static func numberFilter(_ name: String, _ value: Value, _ invocation: Invocation) throws -> Value {
        if case let .undefined(hint) = value { throw invocation.error(hint) }
        switch (name, value) {
        case let ("abs", .int(number)): return .int(number == Int.min ? number : abs(number))
        case let ("abs", .double(number)): return .double(abs(number))
        case ("int", _):
            switch value {
            case let .int(number): return .int(number)
            case let .bool(flag): return .int(flag ? 1 : 0)
            case let .double(number) where number.isFinite && abs(number) < 9.2e18: return .int(Int(number))
            case let .string(text):
                let trimmed = PythonStrings.strip(text, chars: nil, leading: true, trailing: true)
                if let number = Int(trimmed) { return .int(number) }
                if let number = Double(trimmed), number.isFinite, abs(number) < 9.2e18 { return .int(Int(number)) }
            default: break
            }
            return invocation.argument(0, "default") ?? .int(0)
        case ("float", _):
            switch value {
            case let .int(number): return .double(Double(number))
            case let .double(number): return .double(number)
            case let .bool(flag): return .double(flag ? 1 : 0)
            case let .string(text):
                if let number = Double(PythonStrings.strip(text, chars: nil, leading: true, trailing: true)) {
                    return .double(number)
                }
            default: break
            }
            return invocation.argument(0, "default") ?? .double(0)
        default:
            throw invocation.error("cannot be applied to \(value.typeName)")
        }
    }

    static func htmlEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
