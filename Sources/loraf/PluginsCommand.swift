import ArgumentParser
import Foundation
import LorafLua
import LorafPlugins
import LorafStrategies

/// `loraf plugins`: what the plugins folder holds, and what loaded or was rejected (with the reason).
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the plugins found, loaded or rejected (with the reason), and the strategies available.",
        discussion: """
            Plugins live in the loraf home's plugins/ folder ($LORAF_HOME, or the repository holding this \
            executable): a folder with Package.swift is a Swift plugin (its built library is loaded), a folder \
            with init.lua a Lua plugin. A plugin that fails is listed with its reason; the others still load.
            """)

    @Option(help: ArgumentHelp("Plugins folder to list instead of the loraf home's plugins/.", valueName: "folder"))
    var folder: String?

    func run() throws {
        let state = try LorafModule.makeState(executable: ScriptState.executablePath, environment: ProcessInfo.processInfo.environment)
        guard let folder = folder.map({ URL(fileURLWithPath: $0, isDirectory: true) }) ?? ScriptState.pluginsFolder else {
            print("no plugins folder: set LORAF_HOME to the loraf repository")
            return
        }
        let reports = PluginHost.loadAll(in: folder, into: state)
        print("plugins in \(folder.path):")
        if reports.isEmpty { print("  (none)") }
        for report in reports { print("  \(report)") }
        print("strategies: \(StrategyRegistry.shared.names.joined(separator: ", "))")
    }
}
