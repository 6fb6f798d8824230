/// An error crossing the Swift <-> Lua boundary.
///
/// Lua errors reaching Swift (a chunk that fails to load or raises while running) carry Lua's
/// message, which names the position as `chunk:line: text`, and for runtime errors the stack
/// traceback added by the message handler. Errors thrown by Swift functions called from Lua are
/// turned into Lua errors by the bridge; ``LuaError/argument(_:)`` is the one the argument checks throw.
public struct LuaError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Equatable {
        /// The chunk did not compile (`LUA_ERRSYNTAX`).
        case syntax
        /// The script file could not be read (`LUA_ERRFILE`).
        case file
        /// The code raised an error while running (`LUA_ERRRUN` and the rarer statuses).
        case runtime
        /// A Swift-side misuse of a Lua value: a bad argument, an unregistered class.
        case argument
    }

    public let kind: Kind
    /// The error message, e.g. `script.lua:3: boom` (no traceback).
    public let message: String
    /// `stack traceback:` and its lines, for runtime errors caught with a traceback; empty otherwise.
    public let traceback: String

    public init(kind: Kind, message: String, traceback: String = "") {
        self.kind = kind
        self.message = message
        self.traceback = traceback
    }

    /// An argument error with the given text, e.g. `loraf.lora: 'r' must be a positive integer, got string "8x"`.
    public static func argument(_ message: String) -> LuaError { LuaError(kind: .argument, message: message) }

    /// Splits text produced by the traceback message handler into message and traceback.
    static func fromHandler(kind: Kind, text: String) -> LuaError {
        let marker = "\nstack traceback:"
        guard let range = text.range(of: marker) else { return LuaError(kind: kind, message: text) }
        return LuaError(kind: kind, message: String(text[..<range.lowerBound]),
                        traceback: String(text[text.index(after: range.lowerBound)...]))
    }

    /// The message followed, when there is one, by the traceback on the next lines.
    public var description: String { traceback.isEmpty ? message : message + "\n" + traceback }
}
