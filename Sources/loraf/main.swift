// The `loraf` command-line tool: argument-parser entry point.
import ArgumentParser
import Foundation
import LorafLua

/// The root command: it only configures; the work is in the subcommands.
struct Loraf: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loraf",
        abstract: "Parameter-efficient fine-tuning of transformer models, driven by Lua scripts.",
        version: LorafModule.version,
        // Every subcommand, one per file.
        subcommands: [Run.self, Repl.self, Generate.self, Chat.self, Merge.self, Bench.self, CheckCommand.self, PluginsCommand.self, PluginCommand.self, ApiDocs.self]
    )
}

/// Exit status for bad command-line usage (argument-parser's own default would be 64).
let usageExitCode: Int32 = 2

do {
    var command = try Loraf.parseAsRoot()
    try command.run()
} catch {
    if Loraf.exitCode(for: error) == .validationFailure {
        FileHandle.standardError.write(Data((Loraf.fullMessage(for: error) + "\n").utf8))
        exit(usageExitCode)
    }
    Loraf.exit(withError: error)
}
