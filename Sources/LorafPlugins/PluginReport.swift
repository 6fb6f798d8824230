import Foundation

/// One plugin found in a plugins folder, and what became of it.
public struct PluginReport: Equatable, CustomStringConvertible {
    public enum Kind: String, Equatable {
        /// A SwiftPM package (`Package.swift`) whose dynamic library registers strategies.
        case swift
        /// A folder with `init.lua` that extends the `loraf` Lua module.
        case lua
    }

    public enum Outcome: Equatable {
        /// Loaded; what it registered ("strategy ia3", "schedule cosine_restarts").
        case loaded([String])
        /// Not loaded, and why.
        case rejected(String)
    }

    /// The plugin's folder name.
    public var name: String
    public var kind: Kind
    /// The file loaded (the library or init.lua).
    public var path: String
    public var outcome: Outcome

    public init(name: String, kind: Kind, path: String, outcome: Outcome) {
        self.name = name
        self.kind = kind
        self.path = path
        self.outcome = outcome
    }

    /// Whether it loaded.
    public var isLoaded: Bool {
        if case .loaded = outcome { return true }
        return false
    }

    /// `ia3 (swift): loaded: strategy ia3` or `broken (lua): rejected: init.lua:3: boom`.
    public var description: String {
        switch outcome {
        case let .loaded(provides):
            return "\(name) (\(kind.rawValue)): loaded" + (provides.isEmpty ? " (registered nothing)" : ": " + provides.joined(separator: ", "))
        case let .rejected(reason):
            return "\(name) (\(kind.rawValue)): rejected: \(reason)"
        }
    }
}

/// Finding plugins: every sub-folder of a plugins folder holding `Package.swift` (a Swift plugin) or `init.lua`
/// (a Lua plugin), in name order. A folder may hold both.
public enum PluginDiscovery {
    /// The folder `plugins/` of the loraf home (`$LORAF_HOME`, or found from the executable; see `LuaSearchPath`).
    public static func folder(home: String?) -> URL? {
        home.map { URL(fileURLWithPath: $0).appendingPathComponent("plugins", isDirectory: true) }
    }

    /// Sub-folders of `folder` with a Swift plugin, sorted by name.
    public static func swiftPlugins(in folder: URL) -> [URL] {
        subfolders(of: folder).filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Package.swift").path) }
    }

    /// Sub-folders of `folder` with a Lua plugin, sorted by name.
    public static func luaPlugins(in folder: URL) -> [URL] {
        subfolders(of: folder).filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("init.lua").path) }
    }

    /// The dynamic library a Swift plugin's release build produces: `.build/release/lib<folder name>.so`
    /// (the plugin's library product is named like its folder; `.dylib` on macOS).
    public static func library(ofPlugin folder: URL) -> URL {
        #if os(macOS)
        let suffix = "dylib"
        #else
        let suffix = "so"
        #endif
        return folder.appendingPathComponent(".build/release/lib\(folder.lastPathComponent).\(suffix)")
    }

    private static func subfolders(of folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { folder.appendingPathComponent($0, isDirectory: true) }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && isFolder.boolValue
        }
    }
}
