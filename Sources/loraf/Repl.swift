import ArgumentParser
import Foundation
import LorafLua

/// `loraf repl`: an interactive Lua session with the `loraf` module loaded.
struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start an interactive Lua session.",
        discussion: """
            Expressions print their values; `>> ` asks for the rest of an incomplete statement; \
            errors are printed and the session goes on; Ctrl-D or os.exit() leaves. On a terminal, \
            lines are edited with libedit, history is kept in ~/.loraf_history and Tab completes \
            names such as `loraf.`. Piped input is read line by line without prompts.
            """)

    func run() throws {
        let state: LuaState
        do { state = try ScriptState.make() } catch let error as LuaError {
            printError(error.description)
            throw ExitCode(1)
        }
        let repl = LuaRepl(state: state)
        let reader: LineReader = isatty(STDIN_FILENO) != 0
            ? EditLineReader(historyFile: historyPath(), complete: state.completions(of:))
            : PlainLineReader()
        while let line = reader.readLine(prompt: repl.prompt) {
            if case .failed(let error) = repl.feed(line) { printError(error.description) }
            fflush(stdout)
        }
    }

    private func historyPath() -> String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".loraf_history").path
    }
}
