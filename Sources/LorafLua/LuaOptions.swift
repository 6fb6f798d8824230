/// A table of named arguments passed to a Swift function, e.g. `loraf.lora{ r = 8, alpha = 16 }`.
///
/// Every accessor returns nil when the key is absent (or nil) and throws ``LuaError`` `.argument`
/// when it holds a value of the wrong kind, worded
/// `loraf.lora: 'r' must be a positive integer, got string "8x"`.
public struct LuaOptions {
    /// Qualified name of the function, used as the message prefix.
    public let function: String
    let fields: [String: LuaValue]

    init(function: String, fields: [String: LuaValue], keys: [String]) throws {
        let accepted = Set(keys)
        if let unknown = fields.keys.sorted().first(where: { !accepted.contains($0) }) {
            throw LuaError.argument("\(function): unknown argument '\(unknown)' (expected one of: \(keys.sorted().joined(separator: ", ")))")
        }
        self.function = function
        self.fields = fields
    }

    /// The raw value of `key`; `.nil` when absent.
    public func value(_ key: String) -> LuaValue { fields[key] ?? .nil }

    /// The error thrown for `key`: `function: 'key' must be <requirement>, got <value>`.
    public func error(_ key: String, mustBe requirement: String) -> LuaError {
        .argument("\(function): '\(key)' must be \(requirement), got \(value(key).errorDescription)")
    }

    private func read<T>(_ key: String, _ requirement: String, _ convert: (LuaValue) -> T?) throws -> T? {
        let v = value(key)
        if case .nil = v { return nil }
        guard let result = convert(v) else { throw error(key, mustBe: requirement) }
        return result
    }

    public func integer(_ key: String) throws -> Int? { try read(key, "an integer", { $0.integerValue }) }
    public func positiveInteger(_ key: String) throws -> Int? {
        try read(key, "a positive integer", { $0.integerValue.flatMap { $0 > 0 ? $0 : nil } })
    }
    public func number(_ key: String) throws -> Double? { try read(key, "a number", { $0.numberValue }) }
    public func string(_ key: String) throws -> String? { try read(key, "a string", { $0.stringValue }) }
    public func boolean(_ key: String) throws -> Bool? { try read(key, "a boolean", { $0.booleanValue }) }
    public func function(_ key: String) throws -> LuaFunction? { try read(key, "a function", { $0.functionValue }) }
    public func object<T: AnyObject>(_ key: String, as type: T.Type) throws -> T? {
        try read(key, "a \(String(describing: type))", { $0.object(as: type) })
    }
    /// A list of strings, e.g. `target_modules = { "query", "value" }`.
    public func stringList(_ key: String) throws -> [String]? {
        try read(key, "a list of strings", { value -> [String]? in
            guard case .list(let items) = value else { return nil }
            let strings = items.compactMap(\.stringValue)
            return strings.count == items.count ? strings : nil
        })
    }

    /// The value of a key that must be present.
    /// - Throws: `function: missing required argument 'key'`, or the accessor's error.
    public func required<T>(_ key: String, _ accessor: (String) throws -> T?) throws -> T {
        guard let result = try accessor(key) else {
            throw LuaError.argument("\(function): missing required argument '\(key)'")
        }
        return result
    }
}
