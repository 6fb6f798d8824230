import CLua
import CLuaBridge

/// A Lua function held by Swift (a registry reference), e.g. a callback such as `on_step`.
///
/// The reference is dropped when this object is released. It does not keep its ``LuaState``
/// alive; calling it after the state is gone throws.
public final class LuaFunction {
    weak var state: LuaState?
    let reference: Int32

    init(state: LuaState, reference: Int32) {
        self.state = state
        self.reference = reference
    }

    deinit {
        // `state` reads nil once the state's deinit has begun, so nothing touches a closing state.
        if let state { luaL_unref(state.L, loraf_registryindex(), reference) }
    }

    /// Calls the function with `arguments` (on the thread currently running Swift code, so it
    /// works from inside a coroutine too).
    /// - Returns: all values the function returns.
    /// - Throws: ``LuaError`` `.runtime` with the Lua message (`chunk:line: text`) and traceback if
    ///   the function raises; `.argument` if an argument cannot be pushed or the state is gone.
    @discardableResult
    public func call(_ arguments: [LuaValue] = []) throws -> [LuaValue] {
        guard let state else { throw LuaError.argument("loraf: Lua function called after its Lua state was closed") }
        let L = state.L
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try state.reserve(1)
        lua_rawgeti(L, loraf_registryindex(), lua_Integer(reference))
        return try state.callPushedFunction(arguments: arguments, base: base)
    }
}
