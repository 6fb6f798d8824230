import Foundation
import LorafLua

/// The Lua state the subcommands run user code in (see ``LorafModule/makeState(executable:environment:)``).
enum ScriptState {
    /// Path of this executable (from /proc/self/exe, else argv[0]).
    static var executablePath: String {
        Bundle.main.executablePath ?? CommandLine.arguments.first ?? "loraf"
    }

    static func make() throws -> LuaState {
        try LorafModule.makeState(executable: executablePath, environment: ProcessInfo.processInfo.environment)
    }
}

/// Writes `text` and a newline to standard error.
func printError(_ text: String) {
    fflush(stdout)
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
