/// The filters that pick from a sequence: `select([test, args...])`, `reject(...)`,
/// `selectattr(attr[, test, args...])`, `rejectattr(...)`,
/// `map(attribute=attr[, default=value])` and `unique` (case-insensitive for strings, as Jinja2's default).
/// Attributes may be dotted paths (`"function.name"`).
enum Selection {
    static func apply(_ name: String, to items: [Value], _ invocation: Invocation) throws -> Value {
        switch name {
        case "select", "reject":
            return .array(try filter(items, keep: name == "select", testAt: 0, invocation) { $0 })
        case "selectattr", "rejectattr":
            guard case let .string(path)? = invocation.positional.first else {
                throw invocation.error("needs an attribute name")
            }
            return .array(try filter(items, keep: name == "selectattr", testAt: 1, invocation) { try attribute($0, path) })
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

    /// The items whose `subject` passes the test named at positional `testAt` (with the arguments after
    /// it), or is truthy when no test is named; `keep` false inverts.
    private static func filter(_ items: [Value], keep: Bool, testAt index: Int, _ invocation: Invocation,
                               subject: (Value) throws -> Value) throws -> [Value] {
        let test = try invocation.string(index, "test")
        if let test, !BuiltinTests.names.contains(test) { throw invocation.error("no test named '\(test)'") }
        let arguments = Array(invocation.positional.dropFirst(index + 1))
        return try items.filter { item in
            let value = try subject(item)
            let passes = try test.map {
                try BuiltinTests.apply($0, to: value, Invocation(positional: arguments, keyword: [:],
                                                                location: invocation.location, name: $0))
            } ?? value.isTruthy
            return passes == keep
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
