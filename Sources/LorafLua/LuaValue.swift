/// A Lua value as Swift sees it, for arguments and results crossing the bridge.
///
/// Tables read from Lua become ``list(_:)`` when their keys are exactly 1...n (an empty table is an
/// empty list) and ``record(_:)`` when every key is a string; other tables, and tables nested
/// deeper than ``LuaState/maximumTableDepth``, are read as ``other(_:)`` with the type name `table`.
public enum LuaValue {
    case `nil`
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    /// A Swift object, pushed as a userdata of its registered ``LuaClass``.
    case object(AnyObject)
    case function(LuaFunction)
    case list([LuaValue])
    /// A table with string keys; positional entries of a table that has both are under "1", "2", ...
    case record([String: LuaValue])
    /// A value Swift does not convert (a coroutine, a light userdata, a mixed table...): its type name.
    case other(String)
}

extension LuaValue {
    /// The value as an integer: a Lua integer, or a float with an exact integer value.
    public var integerValue: Int? {
        switch self {
        case .integer(let i): return i
        case .number(let d): return d.rounded() == d && abs(d) < 0x1p63 ? Int(d) : nil
        default: return nil
        }
    }

    /// The value as a float: any Lua number.
    public var numberValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// The string itself; numbers are not converted (unlike Lua's implicit coercion).
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var booleanValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    public var functionValue: LuaFunction? {
        if case .function(let f) = self { return f }
        return nil
    }

    /// The Swift object if this is a userdata holding a `T`.
    public func object<T: AnyObject>(as type: T.Type) -> T? {
        if case .object(let o) = self { return o as? T }
        return nil
    }

    /// Names the value for error messages: `string "8x"`, `number 2.5`, `boolean true`, `nil`,
    /// `table`, `function`, or the Swift type of an object.
    public var errorDescription: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let b): return "boolean \(b)"
        case .integer(let i): return "number \(i)"
        case .number(let d): return "number \(d)"
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "..." : s
            return "string \"\(shown)\""
        case .object(let o): return "\(type(of: o))"
        case .function: return "function"
        case .list, .record: return "table"
        case .other(let typeName): return typeName
        }
    }
}
