import Foundation

/// Where `require` looks for Lua plugins.
public enum LuaSearchPath {
    /// The loraf repository root: `$LORAF_HOME` if set, otherwise the nearest folder at or above the
    /// executable's folder that holds both `Package.swift` and `plugins/`; nil if there is none.
    public static func home(executable: String, environment: [String: String]) -> String? {
        if let home = environment["LORAF_HOME"], !home.isEmpty { return home }
        let files = FileManager.default
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while true {
            var isFolder: ObjCBool = false
            if files.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
               files.fileExists(atPath: folder.appendingPathComponent("plugins").path, isDirectory: &isFolder), isFolder.boolValue {
                return folder.path
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// `package.path` templates to put before Lua's defaults: the `;`-separated entries of
    /// `$LORAF_PATH` (empty ones skipped), then `HOME/plugins/?.lua` and `HOME/plugins/?/init.lua`.
    public static func entries(home: String?, environment: [String: String]) -> [String] {
        let user = (environment["LORAF_PATH"] ?? "").split(separator: ";").map(String.init).filter { !$0.isEmpty }
        guard let home else { return user }
        let plugins = URL(fileURLWithPath: home).appendingPathComponent("plugins").path
        return user + ["\(plugins)/?.lua", "\(plugins)/?/init.lua"]
    }
}

extension LuaState {
    /// Puts `entries` in front of `package.path`.
    public func prependPackagePath(_ entries: [String]) throws {
        guard !entries.isEmpty else { return }
        try execute("package.path = ... .. ';' .. package.path", name: "=(package.path)",
                    arguments: [.string(entries.joined(separator: ";"))])
    }
}
