import Foundation
import LorafLua
import LorafPlugins
import LorafStrategies
import XCTest

/// Every way a plugin can fail is reported with its reason, and the plugins after it still load.
final class PluginFailureTests: XCTestCase {
    /// Compiles `source` (C) into `folder/NAME/.build/release/libNAME.so` next to a Package.swift.
    private func cPlugin(_ name: String, in folder: URL, source: String) throws {
        let plugin = try swiftPluginFolder(name, in: folder)
        let c = plugin.appendingPathComponent("plugin.c")
        try source.write(to: c, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-o", PluginDiscovery.library(ofPlugin: plugin).path, c.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "cc \(name)")
    }

    private func swiftPluginFolder(_ name: String, in folder: URL) throws -> URL {
        let plugin = folder.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: plugin.appendingPathComponent(".build/release"), withIntermediateDirectories: true)
        try "// swift-tools-version:6.0\n".write(to: plugin.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        return plugin
    }

    private func luaPlugin(_ name: String, in folder: URL, source: String) throws {
        let plugin = folder.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try source.write(to: plugin.appendingPathComponent("init.lua"), atomically: true, encoding: .utf8)
    }

    private func makeFailingPlugins() throws -> URL {
        let folder = try scratchFolder("failures")
        _ = try swiftPluginFolder("a_missing", in: folder)
        let garbage = try swiftPluginFolder("b_garbage", in: folder)
        try "not a library".write(to: PluginDiscovery.library(ofPlugin: garbage), atomically: true, encoding: .utf8)
        try cPlugin("c_noentry", in: folder, source: "int unrelated(void) { return 0; }\n")
        try cPlugin("d_oldabi", in: folder, source: "int loraf_plugin_abi_version(void) { return \(PluginABI.version + 1); }\n")
        try cPlugin("e_failing", in: folder, source: """
            int loraf_plugin_abi_version(void) { return \(PluginABI.version); }
            int loraf_plugin_register(void *registrar) { (void)registrar; return 3; }
            """)
        try luaPlugin("f_raises", in: folder, source: """
            local loraf = require "loraf"
            loraf.register_schedule("half_done", function(step) return 0.1 end)
            error("f_raises: cannot set up")
            """)
        try luaPlugin("g_good", in: folder, source: """
            local loraf = require "loraf"
            loraf.register_target_preset("queries", function(model, heads) return {"query"} end)
            """)
        return folder
    }

    func testEachFailureHasItsReasonAndTheOthersLoad() throws {
        let folder = try makeFailingPlugins()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = try LorafModule.makeState(executable: "/nonexistent/loraf", environment: [:])
        let reports = PluginHost.loadAll(in: folder, into: state)
        let byName = Dictionary(uniqueKeysWithValues: reports.map { ($0.name, $0) })
        XCTAssertEqual(reports.map(\.name), ["a_missing", "b_garbage", "c_noentry", "d_oldabi", "e_failing", "f_raises", "g_good"])

        func reason(_ name: String) -> String {
            guard case let .rejected(reason)? = byName[name]?.outcome else { return "loaded" }
            return reason
        }
        XCTAssertTrue(reason("a_missing").contains("liba_missing.so does not exist"), reason("a_missing"))
        XCTAssertTrue(reason("b_garbage").contains("cannot load"), reason("b_garbage"))
        XCTAssertTrue(reason("c_noentry").contains("does not export loraf_plugin_abi_version"), reason("c_noentry"))
        XCTAssertTrue(reason("d_oldabi").contains("built for plugin ABI \(PluginABI.version + 1), this loraf has ABI \(PluginABI.version)"), reason("d_oldabi"))
        XCTAssertTrue(reason("e_failing").contains("registration failed: it returned status 3"), reason("e_failing"))
        XCTAssertTrue(reason("f_raises").contains("f_raises: cannot set up"), reason("f_raises"))
        XCTAssertNil(state.extensions.table.schedules["half_done"], "a plugin that raised leaves nothing registered")
        XCTAssertEqual(byName["g_good"]?.outcome, .loaded(["target preset queries"]))
    }

    func testListingCommandReportsAndGoesOn() throws {
        let folder = try makeFailingPlugins()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runLoraf(["plugins", "--folder", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("d_oldabi (swift): rejected: plugin 'd_oldabi': libd_oldabi.so was built for plugin ABI"), result.stdout)
        XCTAssertTrue(result.stdout.contains("f_raises (lua): rejected:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("g_good (lua): loaded: target preset queries"), result.stdout)
        XCTAssertTrue(result.stdout.contains("strategies: "), result.stdout)
    }

    /// A registration that throws half-way adds nothing; a name that is taken is refused.
    func testThrowingRegistrationAddsNothing() throws {
        let throwing: SwiftPluginLoader.RegisterFunction = { pointer in
            PluginRegistrar.run(pointer) { registrar in
                try registrar.register(RenamedStrategy(name: "lora_copy"))
                throw StrategyError.invalidState("probe: the second strategy cannot be set up")
            }
        }
        XCTAssertThrowsError(try SwiftPluginLoader.runRegistration(throwing, pluginName: "probe")) { error in
            XCTAssertEqual(error as? PluginError, .registration("plugin 'probe': registration failed: probe: the second strategy cannot be set up"))
        }
        XCTAssertFalse(StrategyRegistry.shared.names.contains("lora_copy"))

        let duplicate: SwiftPluginLoader.RegisterFunction = { pointer in
            PluginRegistrar.run(pointer) { try $0.register(LoRAStrategy()) }
        }
        XCTAssertThrowsError(try SwiftPluginLoader.runRegistration(duplicate, pluginName: "dup")) { error in
            XCTAssertEqual(error as? PluginError, .registration("plugin 'dup': registration failed: plugin 'dup': strategy 'lora' is already registered"))
        }
    }
}

/// LoRA under another name and peft_type, to register something new.
private final class RenamedStrategy: Strategy {
    let name: String
    var peftType: String { name.uppercased() }
    private let lora = LoRAStrategy()
    init(name: String) { self.name = name }
    func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter {
        try lora.attach(to: model, adapterName: adapterName, options: &options)
    }
    func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue] {
        try lora.attachOptions(fromSavedConfig: config)
    }
}
