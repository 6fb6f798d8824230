import Foundation
import LorafLua
import LorafPlugins

/// The Lua state the subcommands run user code in (see ``LorafModule/makeState(executable:environment:)``).
enum ScriptState {
    /// Path of this executable (from /proc/self/exe, else argv[0]).
    static var executablePath: String {
        Bundle.main.executablePath ?? CommandLine.arguments.first ?? "loraf"
    }

    /// The loraf home's plugins/ folder, if there is a home.
    static var pluginsFolder: URL? {
        PluginDiscovery.folder(home: LuaSearchPath.home(executable: executablePath, environment: ProcessInfo.processInfo.environment))
    }

    /// A state with the plugins loaded; each rejected plugin is reported on stderr and the rest still load.
    static func make() throws -> LuaState {
        let state = try LorafModule.makeState(executable: executablePath, environment: ProcessInfo.processInfo.environment)
        if let folder = pluginsFolder {
            for report in PluginHost.loadAll(in: folder, into: state) where !report.isLoaded { printError("loraf: warning: plugin \(report)") }
        }
        return state
    }
}

/// Writes `text` and a newline to standard error.
func printError(_ text: String) {
    fflush(stdout)
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
