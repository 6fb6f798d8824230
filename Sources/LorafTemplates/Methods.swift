/// The Python methods templates call on values: strings (`strip lstrip rstrip startswith endswith split
/// upper lower title capitalize replace join find count`) and dictionaries (`get items keys values`).
/// Lists have none: the sandbox transformers renders in makes them immutable.
enum Methods {
    static func bound(_ name: String, on value: Value) -> Function? {
        let body: ((Invocation) throws -> Value)?
        switch value {
        case let .string(text): body = stringMethod(name, text)
        case let .dictionary(dictionary): body = dictionaryMethod(name, dictionary)
        default: body = nil
        }
        return body.map { Function(name: name, body: $0) }
    }

    private static func dictionaryMethod(_ name: String, _ dictionary: OrderedDictionary<Value>) -> ((Invocation) throws -> Value)? {
        switch name {
        case "get":
            return { invocation in
                try invocation.check(maximumPositional: 2)
                guard case let .string(key)? = invocation.positional.first else { return invocation.argument(1, "") ?? .none }
                return dictionary[key] ?? invocation.argument(1, "default") ?? .none
            }
        case "items":
            return { _ in .array(dictionary.pairs.map { .array([.string($0.key), $0.value]) }) }
        case "keys":
            return { _ in .array(dictionary.keys.map(Value.string)) }
        case "values":
            return { _ in .array(dictionary.values) }
        default:
            return nil
        }
    }

    private static func stringMethod(_ name: String, _ text: String) -> ((Invocation) throws -> Value)? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return { invocation in
                try invocation.check(maximumPositional: 1)
                let chars = try invocation.string(0, "chars")
                return .string(PythonStrings.strip(text, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "startswith", "endswith":
            return { invocation in
                try invocation.check(maximumPositional: 1)
                let candidates: [Value]
                switch invocation.positional.first {
                case let .array(items)?: candidates = items
                case let item?: candidates = [item]
                case nil: throw invocation.error("takes exactly one argument (0 given)")
                }
                return .bool(try candidates.contains { candidate in
                    guard case let .string(affix) = candidate else {
                        throw invocation.error("argument must be str or a tuple of str, not \(candidate.typeName)")
                    }
                    return name == "startswith" ? text.unicodeScalars.starts(with: affix.unicodeScalars)
                        : text.unicodeScalars.reversed().starts(with: affix.unicodeScalars.reversed())
                })
            }
        case "split":
            return { invocation in
                try invocation.check(maximumPositional: 2, keywords: ["sep", "maxsplit"])
                let separator = try invocation.string(0, "sep")
                if separator == "" { throw invocation.error("empty separator") }
                let limit = try invocation.integer(1, "maxsplit") ?? -1
                return .array(PythonStrings.split(text, separator: separator, limit: limit).map(Value.string))
            }
        case "upper": return { _ in .string(text.uppercased()) }
        case "lower": return { _ in .string(text.lowercased()) }
        case "title": return { _ in .string(PythonStrings.title(text)) }
        case "capitalize": return { _ in .string(PythonStrings.capitalize(text)) }
        case "replace":
            return { invocation in
                try invocation.check(maximumPositional: 3)
                guard let old = try invocation.string(0, "old"), let new = try invocation.string(1, "new") else {
                    throw invocation.error("takes at least 2 arguments")
                }
                return .string(PythonStrings.replace(text, old, new, count: try invocation.integer(2, "count") ?? -1))
            }
        case "join":
            return { invocation in
                try invocation.check(maximumPositional: 1)
                guard case let .array(items)? = invocation.positional.first else { throw invocation.error("expects a list") }
                return .string(try items.map { item -> String in
                    guard case let .string(part) = item else { throw invocation.error("expected str, found \(item.typeName)") }
                    return part
                }.joined(separator: text))
            }
        case "find", "count":
            return { invocation in
                try invocation.check(maximumPositional: 1)
                guard let part = try invocation.string(0, "sub") else { throw invocation.error("takes exactly one argument") }
                return .int(name == "find" ? PythonStrings.find(text, part) : PythonStrings.count(text, part))
            }
        default:
            return nil
        }
    }
}
