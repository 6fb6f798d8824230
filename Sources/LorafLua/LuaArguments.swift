import CLua
import CLuaBridge

/// The arguments of one call from Lua to a Swift function, with checked accessors.
///
/// Positions count as Lua does: for a method called as `obj:m(x)`, `obj` is #1 and `x` is #2.
/// A failed check throws ``LuaError/argument(_:)`` worded like Lua's own:
/// `bad argument #2 to 'adapt' (integer expected, got string "x")`.
public struct LuaArguments {
    public let state: LuaState
    /// The qualified name of the function, e.g. `loraf.lora` or `Tensor:shape`.
    public let function: String
    /// Number of arguments passed.
    public let count: Int

    /// The name after the last `.` or `:`, as Lua's messages show it.
    var shortName: String {
        String(function.split(whereSeparator: { $0 == "." || $0 == ":" }).last ?? Substring(function))
    }

    /// The argument at `position` (1-based); `.nil` when absent.
    public func value(_ position: Int) -> LuaValue {
        guard position >= 1, position <= count else { return .nil }
        return state.value(at: Int32(position))
    }

    /// The error thrown for argument `position`: `bad argument #n to 'f' (reason)`.
    public func error(_ position: Int, _ reason: String) -> LuaError {
        .argument("bad argument #\(position) to '\(shortName)' (\(reason))")
    }

    private func check<T>(_ position: Int, _ expected: String, _ read: (LuaValue) -> T?) throws -> T {
        let v = value(position)
        if let result = read(v) { return result }
        let got = position > count ? "no value" : (state.objectTypeName(of: v) ?? v.errorDescription)
        throw error(position, "\(expected) expected, got \(got)")
    }

    private func optional<T>(_ position: Int, _ expected: String, _ read: (LuaValue) -> T?) throws -> T? {
        if case .nil = value(position) { return nil }
        return try check(position, expected, read)
    }

    public func integer(_ position: Int) throws -> Int { try check(position, "integer", { $0.integerValue }) }
    public func number(_ position: Int) throws -> Double { try check(position, "number", { $0.numberValue }) }
    public func string(_ position: Int) throws -> String { try check(position, "string", { $0.stringValue }) }
    public func boolean(_ position: Int) throws -> Bool { try check(position, "boolean", { $0.booleanValue }) }
    public func function(_ position: Int) throws -> LuaFunction { try check(position, "function", { $0.functionValue }) }

    public func optionalInteger(_ position: Int) throws -> Int? { try optional(position, "integer", { $0.integerValue }) }
    public func optionalNumber(_ position: Int) throws -> Double? { try optional(position, "number", { $0.numberValue }) }
    public func optionalString(_ position: Int) throws -> String? { try optional(position, "string", { $0.stringValue }) }
    public func optionalBoolean(_ position: Int) throws -> Bool? { try optional(position, "boolean", { $0.booleanValue }) }

    /// The Swift object of class `T` (registered with ``LuaClass``) at `position`.
    public func object<T: AnyObject>(_ position: Int, as type: T.Type) throws -> T {
        try check(position, state.luaClassName(of: type), { $0.object(as: type) })
    }

    /// The table of named arguments at `position`; `keys` lists every accepted name, and any other
    /// key is rejected: `loraf.lora: unknown argument 'rank' (expected one of: alpha, r)`.
    /// An absent or nil argument reads as an empty table.
    /// - Throws: ``LuaError`` `.argument` if the value is not a table or has an unknown or non-string key.
    public func options(_ position: Int, keys: [String]) throws -> LuaOptions {
        switch value(position) {
        case .nil: return try LuaOptions(function: function, fields: [:], keys: keys)
        case .record(let fields): return try LuaOptions(function: function, fields: fields, keys: keys)
        case .list(let items) where items.isEmpty: return try LuaOptions(function: function, fields: [:], keys: keys)
        case .list, .other("table"):
            throw error(position, "table of named arguments expected, got a table with non-string keys")
        case let other:
            throw error(position, "table of named arguments expected, got \(other.errorDescription)")
        }
    }
}
