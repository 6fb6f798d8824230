import CLua
import CLuaBridge

/// Conversions between ``LuaValue`` and the Lua stack of the running thread. Only raw table
/// accesses are used, so no metamethod (and no Lua error) can run inside these Swift frames.
extension LuaState {
    /// Pushes `value`.
    /// - Throws: ``LuaError`` `.argument` for an object whose class is not registered with
    ///   ``LuaModuleBuilder/defineClass(_:name:doc:)`` or a function from another state.
    func push(_ value: LuaValue) throws {
        try reserve(3)
        switch value {
        case .nil, .other: lua_pushnil(L)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): pushString(s)
        case .object(let object): try pushObject(object)
        case .function(let function):
            guard function.state === self else {
                throw LuaError.argument("loraf: a Lua function cannot be passed to another Lua state")
            }
            lua_rawgeti(L, loraf_registryindex(), lua_Integer(function.reference))
        case .list(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (offset, item) in items.enumerated() {
                try push(item)
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
        case .record(let fields):
            lua_createtable(L, 0, Int32(clamping: fields.count))
            for (key, field) in fields {
                pushString(key)
                try push(field)
                lua_rawset(L, -3)
            }
        }
    }

    func pushString(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes a userdata holding a retained reference to `object` (released by its `__gc`).
    func pushObject(_ object: AnyObject) throws {
        guard let metatable = metatableNames[ObjectIdentifier(type(of: object))] else {
            throw LuaError.argument("loraf: no Lua class is registered for Swift type \(type(of: object))")
        }
        loraf_push_object(L, Unmanaged<AnyObject>.passRetained(object).toOpaque(), metatable)
    }

    /// The string at `index` if the value there is a string (numbers are not converted in place).
    func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let bytes = loraf_tostring(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    /// The Lua type name of the value at `index`; for userdata with a `__name` metatable field, that name.
    func typeName(at index: Int32) -> String {
        if lua_type(L, index) == LUA_TUSERDATA, let name = metatableField("__name", at: index) { return name }
        return String(cString: lua_typename(L, lua_type(L, index)))
    }

    /// The string field `key` of the metatable of the value at `index`, read raw.
    private func metatableField(_ key: String, at index: Int32) -> String? {
        guard lua_getmetatable(L, index) != 0 else { return nil }
        pushString(key)
        lua_rawget(L, -2)
        defer { loraf_pop(L, 2) }
        return string(at: -1)
    }

    /// Converts the value at `index` (see ``LuaValue`` for tables).
    public func value(at index: Int32) -> LuaValue { value(at: lua_absindex(L, index), depth: 0) }

    private func value(at index: Int32, depth: Int) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if loraf_isinteger_number(L, index) != 0 { return .integer(Int(loraf_tointeger(L, index, nil))) }
            return .number(loraf_tonumber(L, index, nil))
        case LUA_TSTRING: return string(at: index).map(LuaValue.string) ?? .nil
        case LUA_TFUNCTION:
            lua_pushvalue(L, index)
            return .function(LuaFunction(state: self, reference: luaL_ref(L, loraf_registryindex())))
        case LUA_TUSERDATA: return object(at: index).map(LuaValue.object) ?? .other(typeName(at: index))
        case LUA_TTABLE: return table(at: index, depth: depth)
        default: return .other(typeName(at: index))
        }
    }

    /// The Swift object in the userdata at `index`, if it is one of a registered class.
    func object(at index: Int32) -> AnyObject? {
        guard let name = metatableField("__name", at: index), metatableNames.values.contains(name),
              let pointer = loraf_to_object(L, index, name) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
    }

    private func table(at index: Int32, depth: Int) -> LuaValue {
        guard depth < LuaState.maximumTableDepth, lua_checkstack(L, 4) != 0 else { return .other("table") }
        var list: [Int: LuaValue] = [:]
        var record: [String: LuaValue] = [:]
        var mixed = false
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let entry = value(at: lua_gettop(L), depth: depth + 1)
            if lua_type(L, -2) == LUA_TSTRING, let key = string(at: -2) {
                record[key] = entry
            } else if loraf_isinteger_number(L, -2) != 0 {
                list[Int(loraf_tointeger(L, -2, nil))] = entry
            } else {
                mixed = true
            }
            loraf_pop(L, 1)
        }
        if mixed { return .other("table") }
        if !record.isEmpty {
            // A table with named keys and positional entries ({"adamw", lr = 1e-3}): the positional entries
            // appear under the keys "1", "2", ... (a name written as such a string would collide; none is used).
            for (position, entry) in list where record[String(position)] == nil { record[String(position)] = entry }
            return .record(record)
        }
        let items = (0 ..< list.count).compactMap { list[$0 + 1] }
        return items.count == list.count ? .list(items) : .other("table")
    }
}
