import CLua
import CLuaBridge

/// One Lua 5.4 interpreter with the standard libraries open, and the bridge to Swift.
///
/// Not thread-safe: use a state from one thread at a time. Every chunk runs under `lua_pcall` with
/// a message handler that appends the traceback; Lua errors surface as thrown ``LuaError``s and
/// errors thrown by Swift functions called from Lua surface in Lua as ordinary Lua errors.
public final class LuaState {
    /// Deepest table nesting converted by ``value(at:)``; deeper tables read as `.other("table")`.
    public static let maximumTableDepth = 32

    /// The main thread, owned by this object and closed in `deinit`.
    let mainThread: OpaquePointer
    /// The thread the stack operations act on: the main thread, or the coroutine a Swift function
    /// was called from while that call runs.
    var L: OpaquePointer
    /// Metatable registry names of the registered classes, by Swift type.
    var metatableNames: [ObjectIdentifier: String] = [:]
    /// Help text of every registered module, function, method and value.
    public let documentation = LuaDocumentation()
    /// What Lua plugins registered in this state (`loraf.register_schedule` and the like).
    public let extensions = LuaExtensions()
    /// Model parameters handed to Lua as live tensors, so in-place writes can refuse frozen ones.
    let liveParameters = LiveParameters()

    /// Creates a state with the standard Lua libraries.
    /// - Throws: ``LuaError`` of kind `.runtime` if Lua cannot allocate the state.
    public init() throws {
        guard let thread = luaL_newstate() else {
            throw LuaError(kind: .runtime, message: "loraf: cannot create a Lua state (out of memory)")
        }
        LuaBridge.installCallbacks()
        mainThread = thread
        L = thread
        luaL_openlibs(thread)
        loraf_set_owner(thread, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // Swift functions still reachable from Lua finalizers must not reach this dying object.
        loraf_set_owner(mainThread, nil)
        lua_close(mainThread)
    }

    /// The state that owns `thread`, or nil while that state is being closed.
    static func owner(of thread: OpaquePointer) -> LuaState? {
        guard let pointer = loraf_get_owner(thread) else { return nil }
        return Unmanaged<LuaState>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs `body` with the stack operations acting on `thread`.
    func using<R>(thread: OpaquePointer, _ body: () throws -> R) rethrows -> R {
        let saved = L
        L = thread
        defer { L = saved }
        return try body()
    }

    // MARK: Running code

    /// Compiles and runs a chunk of Lua source.
    /// - Parameters:
    ///   - source: Lua source text.
    ///   - name: chunk name as Lua uses it in messages (`=name` verbatim, `@file` as a file name).
    ///   - arguments: values passed to the chunk as `...`.
    /// - Returns: the values the chunk returns.
    /// - Throws: ``LuaError`` `.syntax` if it does not compile, `.runtime` (with traceback) if it raises.
    @discardableResult
    public func execute(_ source: String, name: String = "=(chunk)", arguments: [LuaValue] = []) throws -> [LuaValue] {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try pushChunk(source, name: name)
        return try callPushedFunction(arguments: arguments, base: base)
    }

    /// Loads and runs a Lua file.
    /// - Returns: the values the file's chunk returns.
    /// - Throws: ``LuaError`` `.file` naming the file if it cannot be read, `.syntax`, or `.runtime`.
    @discardableResult
    public func executeFile(_ path: String, arguments: [LuaValue] = []) throws -> [LuaValue] {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        let status = luaL_loadfilex(L, path, "t")
        try checkLoadStatus(status)
        return try callPushedFunction(arguments: arguments, base: base)
    }

    /// Compiles `source` and pushes the resulting function.
    /// - Throws: ``LuaError`` `.syntax` with Lua's message (it names `chunk:line`).
    func pushChunk(_ source: String, name: String) throws {
        let status = source.utf8CString.withUnsafeBufferPointer { buffer in
            luaL_loadbufferx(L, buffer.baseAddress, buffer.count - 1, name, "t")
        }
        try checkLoadStatus(status)
    }

    private func checkLoadStatus(_ status: Int32) throws {
        guard status != LUA_OK else { return }
        let message = string(at: -1) ?? "unknown load error"
        loraf_pop(L, 1)
        throw LuaError(kind: status == LUA_ERRSYNTAX ? .syntax : status == LUA_ERRFILE ? .file : .runtime,
                       message: message)
    }

    /// Calls the function pushed just above `base` with `arguments`, returning all its results
    /// and leaving the stack at `base`.
    func callPushedFunction(arguments: [LuaValue], base: Int32) throws -> [LuaValue] {
        try reserve(arguments.count)
        for argument in arguments { try push(argument) }
        try protectedCall(argumentCount: Int32(arguments.count))
        let results = (base + 1 ..< lua_gettop(L) + 1).map { value(at: $0) }
        lua_settop(L, base)
        return results
    }

    /// `lua_pcall(argumentCount, LUA_MULTRET)` with the traceback message handler.
    /// - Throws: ``LuaError`` `.runtime` with message and traceback; the error value is popped.
    func protectedCall(argumentCount: Int32) throws {
        let status = loraf_pcall_traceback(L, argumentCount, LUA_MULTRET)
        guard status != LUA_OK else { return }
        let text = string(at: -1) ?? "(error object is not a string)"
        loraf_pop(L, 1)
        throw LuaError.fromHandler(kind: .runtime, text: text)
    }

    /// Ensures room for `count` more stack slots.
    func reserve(_ count: Int) throws {
        guard lua_checkstack(L, Int32(clamping: count + 8)) != 0 else {
            throw LuaError(kind: .runtime, message: "loraf: Lua stack overflow")
        }
    }

    // MARK: Globals

    /// The value of global `name`.
    public func global(_ name: String) -> LuaValue {
        lua_getglobal(L, name)
        defer { loraf_pop(L, 1) }
        return value(at: -1)
    }

    /// Sets global `name`.
    /// - Throws: ``LuaError`` `.argument` if `value` holds an object of an unregistered class.
    public func setGlobal(_ name: String, _ value: LuaValue) throws {
        try push(value)
        lua_setglobal(L, name)
    }
}
