import Foundation
import LorafLua

/// Loads every plugin of a plugins folder, reporting each one; a plugin that fails is rejected with its reason
/// and the others still load.
public enum PluginHost {
    /// Reports of Swift plugins already loaded in this process, by library path: a library registers its
    /// strategies once, and later calls report the same outcome.
    nonisolated(unsafe) private static var swiftReports: [String: PluginReport] = [:]

    /// Loads the Swift plugins of `folder` (once per process each) into `StrategyRegistry.shared`.
    public static func loadSwiftPlugins(in folder: URL) -> [PluginReport] {
        PluginDiscovery.swiftPlugins(in: folder).map { plugin in
            let library = PluginDiscovery.library(ofPlugin: plugin)
            if let known = swiftReports[library.path] { return known }
            let name = plugin.lastPathComponent
            let outcome: PluginReport.Outcome
            do {
                outcome = .loaded(try SwiftPluginLoader.load(library: library, pluginName: name).map { "strategy \($0)" })
            } catch {
                outcome = .rejected("\(error)")
            }
            let report = PluginReport(name: name, kind: .swift, path: library.path, outcome: outcome)
            swiftReports[library.path] = report
            return report
        }
    }

    /// Runs the `init.lua` of each Lua plugin of `folder` in `state` (its result becomes `package.loaded[name]`,
    /// so `require(name)` returns it without running it again).
    public static func loadLuaPlugins(in folder: URL, into state: LuaState) -> [PluginReport] {
        PluginDiscovery.luaPlugins(in: folder).map { plugin in
            let name = plugin.lastPathComponent
            let script = plugin.appendingPathComponent("init.lua")
            let before = state.extensions.table
            let outcome: PluginReport.Outcome
            do {
                // As `require` does: the chunk gets the module name, and a chunk returning nothing counts as true.
                let result = try state.executeFile(script.path, arguments: [.string(name)]).first ?? .nil
                try state.execute("local name, value = ...; if value == nil then value = true end; package.loaded[name] = value",
                                  name: "=(plugin)", arguments: [.string(name), result])
                outcome = .loaded(added(state.extensions.registrations, since: before.registrations))
            } catch {
                state.extensions.table = before // a failed plugin leaves nothing registered
                outcome = .rejected("\(PluginError.lua("\(error)"))")
            }
            return PluginReport(name: name, kind: .lua, path: script.path, outcome: outcome)
        }
    }

    /// The entries of `after` beyond those of `before` (a callback event may appear several times).
    private static func added(_ after: [String], since before: [String]) -> [String] {
        var remaining = before
        return after.filter { entry in
            guard let index = remaining.firstIndex(of: entry) else { return true }
            remaining.remove(at: index)
            return false
        }
    }

    /// Swift plugins, then Lua plugins, of `folder`.
    public static func loadAll(in folder: URL, into state: LuaState) -> [PluginReport] {
        loadSwiftPlugins(in: folder) + loadLuaPlugins(in: folder, into: state)
    }
}
