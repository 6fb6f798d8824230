import CLua
import CLuaBridge

/// The evaluation side of an interactive session, line by line, as the stock `lua` does it:
/// a line is first tried as `return <line>` (so expressions print their values), otherwise as a
/// statement; a statement whose syntax error ends in `<eof>` is incomplete and waits for more
/// lines. Values are printed with the global `print`.
public final class LuaRepl {
    public enum Outcome: Equatable {
        /// The statement so far is incomplete; show ``LuaRepl/prompt`` (`>> `) and feed the next line.
        case incomplete
        /// The statement ran (its values, if any, were printed).
        case ran
        /// It did not compile or raised; the session goes on.
        case failed(LuaError)
    }

    public let state: LuaState
    private var pending: [String] = []

    /// Chunk name in error messages, e.g. `stdin:1: boom`.
    static let chunkName = "=stdin"

    public init(state: LuaState) { self.state = state }

    /// `> ` for a new statement, `>> ` while one is incomplete.
    public var prompt: String { pending.isEmpty ? "> " : ">> " }

    /// Evaluates one more line of input.
    public func feed(_ line: String) -> Outcome {
        let L = state.L
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        do {
            if pending.isEmpty, (try? state.pushChunk("return " + line, name: LuaRepl.chunkName)) != nil {
                return try run(base: base)
            }
            pending.append(line)
            do {
                try state.pushChunk(pending.joined(separator: "\n"), name: LuaRepl.chunkName)
            } catch let error as LuaError where error.kind == .syntax && error.message.hasSuffix("<eof>") {
                return .incomplete
            }
            pending = []
            return try run(base: base)
        } catch let error as LuaError {
            pending = []
            return .failed(error)
        } catch {
            pending = []
            return .failed(LuaError(kind: .runtime, message: describe(error)))
        }
    }

    /// Runs the compiled chunk above `base` and prints what it returns.
    private func run(base: Int32) throws -> Outcome {
        try state.protectedCall(argumentCount: 0)
        let count = lua_gettop(state.L) - base
        if count > 0 {
            try state.reserve(1)
            lua_getglobal(state.L, "print")
            loraf_insert(state.L, base + 1)
            try state.protectedCall(argumentCount: count)
        }
        return .ran
    }
}

extension LuaState {
    /// Completions of a dotted name such as `loraf.he` or `pri`: the global or table field names
    /// that extend it, each returned in full (`loraf.help`), sorted.
    public func completions(of prefix: String) -> [String] {
        var path = prefix.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let partial = path.removeLast()
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        guard lua_checkstack(L, 4) != 0 else { return [] }
        loraf_pushglobaltable(L)
        for component in path {
            pushString(component)
            guard lua_rawget(L, -2) == LUA_TTABLE else { return [] }
        }
        var names: [String] = []
        lua_pushnil(L)
        while lua_next(L, -2) != 0 {
            if let key = string(at: -2), key.hasPrefix(partial) {
                names.append((path + [key]).joined(separator: "."))
            }
            loraf_pop(L, 1)
        }
        return names.sorted()
    }
}
