import CLua
import CLuaBridge

/// Metamethods for binding classes whose Lua values behave like built-in ones (tensors: `a + b`, `#t`, `t[i]`).
extension LuaClass {
    /// Sets metamethod `event` (`__add`, `__unm`, `__len`...) to `body`, which receives the raw arguments
    /// (for binary operators either operand may be the object). Not listed in the API documentation.
    func metamethod(_ event: String, _ body: @escaping LuaFunctionBody) {
        let L = state.L
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        _ = loraf_getmetatable_named(L, name)
        LuaBridge.pushFunction(SwiftFunctionBox(name: "\(name):\(event)", body: body), on: L)
        lua_setfield(L, -2, event)
    }

    /// Makes `obj[key]` with a number key call `element(obj, args)` (the key is argument #2), while string keys
    /// still find the methods. Lua glue: `__index` becomes a function that dispatches on the key's type; errors
    /// name the line that indexed.
    /// Call it after every ``method(_:doc:_:)``: methods added later would find no method table.
    /// - Throws: ``LuaError`` if the glue cannot be compiled (a programming error).
    func numericIndex(_ element: @escaping (T, LuaArguments) throws -> [LuaValue]) throws {
        let L = state.L
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        _ = loraf_getmetatable_named(L, name)
        let metatable = lua_gettop(L)
        try state.pushChunk("""
            local methods, element = ...
            return function(self, key)
              if type(key) ~= "number" then return methods[key] end
              local ok, result = pcall(element, self, key)
              if ok then return result end
              error(result, 2) -- blame the indexing code, not this glue
            end
            """, name: "=\(name).__index")
        lua_getfield(L, metatable, "__index")
        LuaBridge.pushFunction(SwiftFunctionBox(name: "\(name):__index") { args in
            try element(try args.object(1, as: T.self), args)
        }, on: L)
        try state.protectedCall(argumentCount: 2)
        lua_setfield(L, metatable, "__index")
    }
}

extension LuaState {
    /// Tells Lua's collector that `bytes` were allocated outside its heap (by a Swift object a userdata holds),
    /// so that a loop making large tensors collects the unreachable ones at the pace it allocates them.
    /// Rounded up to whole KiB, so every object counts.
    func nudgeCollector(bytes: Int) {
        let kilobytes = Int32(clamping: (bytes + 1023) / 1024)
        _ = loraf_gc_step(L, max(1, kilobytes))
    }
}
