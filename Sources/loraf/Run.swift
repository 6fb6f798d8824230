import ArgumentParser
import Foundation
import LorafDistributed
import LorafLua

/// `loraf run FILE.lua [ARGS...]` and `loraf run -e CHUNK [ARGS...]`.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Lua script, or a chunk given with -e.",
        discussion: """
            The script sees its arguments as `...` and in the global `arg` as the stock `lua` sets it: \
            arg[0] is the script (or "-e"), arg[1], arg[2]... the arguments, arg[-1] this program. \
            A Lua error prints `FILE:LINE: message` and a traceback to stderr and exits with status 1. \
            Under mpirun every rank runs the script (docs/distributed.md); an error on any rank ends the whole job.
            """)

    @Option(name: .customShort("e"), help: ArgumentHelp( "Lua source to run instead of a script file.", valueName: "chunk"))
    var chunk: String?

    @Argument(help: "The script file (with -e: the chunk's first argument).")
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments passed to the script as `...` and `arg`.")
    var arguments: [String] = []

    /// The script and its arguments as typed, in order.
    private var words: [String] { (script.map { [$0] } ?? []) + arguments }

    func validate() throws {
        if chunk == nil && words.isEmpty { throw ValidationError("give a script file or -e CHUNK") }
    }

    func run() throws {
        let script = chunk == nil ? self.script : nil
        let arguments = chunk == nil ? self.arguments : words
        // Under mpirun, MPI starts here, before any script runs (a single process only checks the environment).
        _ = Distributed.world
        do {
            let state = try ScriptState.make()
            try setArgTable(in: state, script: script ?? "-e", arguments: arguments)
            let values = arguments.map(LuaValue.string)
            if let chunk {
                try state.execute(chunk, name: "=(command line)", arguments: values)
            } else if let script {
                try state.executeFile(script, arguments: values)
            }
        } catch let error as LuaError {
            switch error.kind {
            case .file: printError("loraf: \(error.message)")
            case .syntax: printError("loraf: syntax error: \(error.message)")
            default: printError(error.description)
            }
            Distributed.fail(status: 1)
        } catch {
            printError("loraf: \(error)")
            Distributed.fail(status: 1)
        }
        try Distributed.finish()
    }

    /// Sets the global `arg` as lua.c does: arg[-1] the interpreter, arg[0] the script, arg[1...] the arguments.
    private func setArgTable(in state: LuaState, script: String, arguments: [String]) throws {
        try state.execute("local interpreter, script = ...; arg = { [-1] = interpreter, [0] = script, select(3, ...) }",
                          name: "=(arg)",
                          arguments: ([ScriptState.executablePath, script] + arguments).map(LuaValue.string))
    }
}
