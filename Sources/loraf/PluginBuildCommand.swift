import ArgumentParser
import Foundation
import LorafPlugins

/// `loraf plugin build FOLDER`: builds a Swift plugin against this loraf's modules, then loads it to check it.
struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Work with one plugin.",
        subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a Swift plugin (a SwiftPM package) against this loraf build.",
            discussion: """
                Runs `swift build -c release --package-path FOLDER` with LORAF_BUILD_DIR set to this executable's \
                build folder, whose Modules/ the plugin compiles against; the library's loraf symbols resolve \
                against the loraf that loads it. Then loads the library to check its ABI version and registration.
                """)

        @Argument(help: ArgumentHelp("The plugin's folder, e.g. plugins/ia3.", valueName: "folder"))
        var folder: String

        func run() throws {
            let plugin = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
            guard FileManager.default.fileExists(atPath: plugin.appendingPathComponent("Package.swift").path) else {
                throw ValidationError("\(plugin.path) has no Package.swift, so it is not a Swift plugin")
            }
            let buildFolder = URL(fileURLWithPath: ScriptState.executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: buildFolder.appendingPathComponent("Modules/LorafStrategies.swiftmodule").path) else {
                printError("loraf: \(buildFolder.path) has no Modules/LorafStrategies.swiftmodule: plugins build against a SwiftPM build of loraf (swift build -c release)")
                throw ExitCode(1)
            }
            try removeStaleBuild(of: plugin, hostModules: buildFolder.appendingPathComponent("Modules"))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["swift", "build", "-c", "release", "--package-path", plugin.path]
            process.environment = ProcessInfo.processInfo.environment.merging(["LORAF_BUILD_DIR": buildFolder.path]) { $1 }
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                printError("loraf: building \(plugin.path) failed (swift build exited with status \(process.terminationStatus))")
                throw ExitCode(1)
            }
            do {
                let names = try SwiftPluginLoader.load(library: PluginDiscovery.library(ofPlugin: plugin), pluginName: plugin.lastPathComponent)
                print("built \(PluginDiscovery.library(ofPlugin: plugin).path): registers \(names.isEmpty ? "nothing" : names.map { "strategy \($0)" }.joined(separator: ", "))")
            } catch {
                printError("loraf: built \(plugin.path), but it does not load: \(error)")
                throw ExitCode(1)
            }
        }

        /// SwiftPM does not see the host's modules as inputs of the plugin, so when loraf was rebuilt after the
        /// plugin, the plugin's build products are removed to make it compile again.
        private func removeStaleBuild(of plugin: URL, hostModules: URL) throws {
            let files = FileManager.default
            let library = PluginDiscovery.library(ofPlugin: plugin)
            guard let built = (try? files.attributesOfItem(atPath: library.path))?[.modificationDate] as? Date else { return }
            let modules = (try? files.contentsOfDirectory(atPath: hostModules.path)) ?? []
            let newest = modules.compactMap { (try? files.attributesOfItem(atPath: hostModules.appendingPathComponent($0).path))?[.modificationDate] as? Date }.max()
            if let newest, newest > built {
                try files.removeItem(at: plugin.appendingPathComponent(".build/release", isDirectory: true).resolvingSymlinksInPath())
            }
        }
    }
}
