import CLua
import CLuaBridge

/// The body of a Swift function callable from Lua: reads its arguments, returns its results.
public typealias LuaFunctionBody = (LuaArguments) throws -> [LuaValue]

/// Adds documented functions, values and classes to one global Lua table (a module such as `loraf`).
///
/// ```swift
/// let loraf = state.module("loraf", doc: "Parameter-efficient fine-tuning.")
/// loraf.function("lora", doc: "loraf.lora{ r = 8 }\nMakes a LoRA strategy.") { args in
///     let options = try args.options(1, keys: ["r"])
///     return [.integer(try options.required("r", options.positiveInteger))]
/// }
/// ```
public struct LuaModuleBuilder {
    public let state: LuaState
    /// The global name of the module table.
    public let name: String

    /// Adds (or replaces) the function `name.functionName`.
    /// - Parameter doc: first line the signature, then one paragraph (see ``LuaDocEntry``).
    public func function(_ functionName: String, doc: String, _ body: @escaping LuaFunctionBody) {
        let qualified = "\(name).\(functionName)"
        state.documentation.add(LuaDocEntry(kind: .function, name: qualified, doc: doc))
        state.withGlobalTable(name) {
            LuaBridge.pushFunction(SwiftFunctionBox(name: qualified, body: body), on: state.L)
            lua_setfield(state.L, -2, functionName)
        }
    }

    /// Sets the field `name.fieldName` to a constant value.
    /// - Throws: ``LuaError`` `.argument` if `value` holds an object of an unregistered class.
    public func value(_ fieldName: String, _ value: LuaValue, doc: String) throws {
        state.documentation.add(LuaDocEntry(kind: .value, name: "\(name).\(fieldName)", doc: doc))
        try state.withGlobalTable(name) {
            try state.push(value)
            lua_setfield(state.L, -2, fieldName)
        }
    }

    /// Registers Swift class `T` as a Lua userdata type named `className`, with methods added
    /// through the returned ``LuaClass``.
    @discardableResult
    public func defineClass<T: AnyObject>(_ type: T.Type, name className: String, doc: String) -> LuaClass<T> {
        LuaClass(state: state, name: className, doc: doc)
    }
}

extension LuaState {
    /// The builder of global table `name`, created if missing and stored in `package.loaded[name]`
    /// so that `require(name)` returns it.
    /// - Parameter doc: one paragraph describing the module.
    public func module(_ name: String, doc: String) -> LuaModuleBuilder {
        documentation.add(LuaDocEntry(kind: .module, name: name, doc: "\(name)\n\(doc)"))
        withGlobalTable(name) {
            lua_getglobal(L, "package")
            if lua_type(L, -1) == LUA_TTABLE {
                lua_getfield(L, -1, "loaded")
                if lua_type(L, -1) == LUA_TTABLE {
                    lua_pushvalue(L, -3)
                    lua_setfield(L, -2, name)
                }
                loraf_pop(L, 1)
            }
            loraf_pop(L, 1)
        }
        return LuaModuleBuilder(state: self, name: name)
    }

    /// Runs `body` with global table `name` (created if missing) on top of the stack. A dotted name such as
    /// `loraf.safetensors` is a field of a field of a global, each created if missing.
    func withGlobalTable<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        loraf_pushglobaltable(L)
        for part in name.split(separator: ".").map(String.init) {
            if lua_getfield(L, -1, part) != LUA_TTABLE {
                loraf_pop(L, 1)
                loraf_newtable(L)
                lua_pushvalue(L, -1)
                lua_setfield(L, -3, part)
            }
        }
        return try body()
    }
}
