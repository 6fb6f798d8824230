import CLua
import CLuaBridge

/// A Swift class exposed to Lua as userdata: each Lua value holds one retained reference to a
/// Swift object, released exactly once by the userdata's `__gc`. Methods are looked up through
/// `__index`; `tostring(obj)` uses ``tostring(_:)`` (default `Name: 0x...`).
public final class LuaClass<T: AnyObject> {
    public let state: LuaState
    /// The Lua-visible name, e.g. `Tensor`; also the metatable's `__name`.
    public let name: String

    init(state: LuaState, name: String, doc: String) {
        self.state = state
        self.name = name
        state.documentation.add(LuaDocEntry(kind: .class, name: name, doc: "\(name)\n\(doc)"))
        state.metatableNames[ObjectIdentifier(T.self)] = name
        let L = state.L
        if luaL_newmetatable(L, name) != 0 {
            loraf_newtable(L)
            lua_setfield(L, -2, "__index")
            lua_pushcclosure(L, loraf_object_gc, 0)
            lua_setfield(L, -2, "__gc")
        }
        loraf_pop(L, 1)
        tostring { object in "\(name): \(Unmanaged.passUnretained(object).toOpaque())" }
    }

    /// Adds method `methodName`, called as `obj:methodName(...)`; `obj` is argument #1.
    /// - Parameter doc: first line the signature (e.g. `t:shape() -> {integer}`), then one paragraph.
    public func method(_ methodName: String, doc: String, _ body: @escaping (T, LuaArguments) throws -> [LuaValue]) {
        let qualified = "\(name):\(methodName)"
        state.documentation.add(LuaDocEntry(kind: .method, name: qualified, doc: doc))
        setMetatableField(methodName, inIndexTable: true, qualified: qualified) { args in
            try body(try args.object(1, as: T.self), args)
        }
    }

    /// Sets how `tostring(obj)` and `print(obj)` render an object.
    public func tostring(_ render: @escaping (T) -> String) {
        setMetatableField("__tostring", inIndexTable: false, qualified: "\(name):__tostring") { args in
            [.string(render(try args.object(1, as: T.self)))]
        }
    }

    private func setMetatableField(_ field: String, inIndexTable: Bool, qualified: String, _ body: @escaping LuaFunctionBody) {
        let L = state.L
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        _ = loraf_getmetatable_named(L, name)
        if inIndexTable { lua_getfield(L, -1, "__index") }
        LuaBridge.pushFunction(SwiftFunctionBox(name: qualified, body: body), on: L)
        lua_setfield(L, -2, field)
    }
}

extension LuaState {
    /// The Lua class name registered for Swift type `type`, or its Swift name if none is.
    func luaClassName(of type: AnyObject.Type) -> String {
        metatableNames[ObjectIdentifier(type)] ?? String(describing: type)
    }

    /// The Lua class name of an object value, for error messages; nil for other values.
    func objectTypeName(of value: LuaValue) -> String? {
        guard case .object(let object) = value else { return nil }
        return luaClassName(of: Swift.type(of: object))
    }
}
