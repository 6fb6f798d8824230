/// The filters that pick from a sequence: `selectattr(attr[, test, args...])`, `rejectattr(...)`,
/// `map(attribute=attr[, default=value])` and `unique` (case-insensitive for strings, as Jinja2's default).
/// Attributes may be dotted paths (`"function.name"`).
enum Selection {
    static func apply(_ name: String, to items: [Value], _ invocation: Invocation) throws -> Value {
        switch name {
        case "selectattr", "rejectattr":
            guard case let .string(path)? = invocation.positional.first else {
                throw invocation.error("needs an attribute name")
            }
            let test = try invocation.string(1, "test")
            let arguments = Array(invocation.positional.dropFirst(2))
            return .array(try items.filter { item in
                let attribute = try Self.attribute(item, path)
                let passes = try test.map {
                    try BuiltinTests.apply($0, to: attribute, Invocation(positional: arguments, keyword: [:],
                                                                       location: invocation.location, name: $0))
                } ?? attribute.isTruthy
                return passes == (name == "selectattr")
            })
        case "map":
            guard let path = try invocation.string(0, "attribute"), invocation.positional.isEmpty else {
                throw invocation.error("only map(attribute=...) is supported")
            }
            let fallback = invocation.keyword["default"]
            return .array(try items.map { item in
                let value = try attribute(item, path)
                return value.isUndefined ? fallback ?? value : value
            })
        default:
            var unique: [Value] = []
            for item in items where !unique.contains(where: { Operators.equal(folded($0), folded(item)) }) {
                unique.append(item)
            }
            return .array(unique)
        }
    }

    private static func folded(_ value: Value) -> Value {
        if case let .string(text) = value { return .string(text.lowercased()) }
        return value
    }

    static func attribute(_ item: Value, _ path: String) throws -> Value {
        var value = item
        for part in path.split(separator: ".") {
            if value.isUndefined { return value }
            value = try Lookup.item(value, Int(part).map(Value.int) ?? .string(String(part)))
        }
        return value
    }
}
