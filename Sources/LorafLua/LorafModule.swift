import Foundation

/// A group of Lua bindings (functions, values, classes) added to the `loraf` module.
/// Each concern (tensors, models, training...) provides one and is listed in ``LorafModule/bindings``.
public protocol LuaBindings {
    static func register(in module: LuaModuleBuilder) throws
}

/// The `loraf` Lua module and the state the `loraf` tool runs scripts in.
public enum LorafModule {
    /// The loraf release, `loraf.version` in Lua.
    public static let version = "0.1.0"

    /// Every binding group of the `loraf` module, in registration (and documentation) order.
    public static let bindings: [LuaBindings.Type] = [
        CoreBindings.self, TensorBindings.self, SafeTensorsBindings.self, TokenizerBindings.self, ModelBindings.self,
        TrainingBindings.self, DistributedBindings.self, OptimBindings.self, ScheduleBindings.self, LossBindings.self, BatchBindings.self,
        PluginBindings.self, StrategyBindings.self,
    ]

    /// Environment variable that, set to `1`, adds the `loraf_test` module (``TestHooks``).
    public static let testHooksVariable = "LORAF_TEST_HOOKS"

    /// Adds the `loraf` module (preloaded: `require "loraf"` returns it) to `state`.
    public static func install(in state: LuaState) throws {
        let module = state.module("loraf", doc: "Parameter-efficient fine-tuning (LoRA, BitFit, adapters) of transformer models.")
        for group in bindings { try group.register(in: module) }
    }

    /// A state ready to run user scripts: standard libraries, the `loraf` module, `package.path`
    /// extended with the plugin folders (``LuaSearchPath``), and `loraf_test` when
    /// `LORAF_TEST_HOOKS=1` is in `environment`.
    /// - Parameters:
    ///   - executable: path of the running program, used to find the repository's `plugins/`.
    ///   - environment: the process environment (`LORAF_HOME`, `LORAF_PATH`, `LORAF_TEST_HOOKS`).
    /// - Throws: ``LuaError`` if Lua cannot be set up.
    public static func makeState(executable: String, environment: [String: String]) throws -> LuaState {
        let state = try LuaState()
        try install(in: state)
        let home = LuaSearchPath.home(executable: executable, environment: environment)
        try state.prependPackagePath(LuaSearchPath.entries(home: home, environment: environment))
        if environment[testHooksVariable] == "1" { try TestHooks.register(in: state) }
        return state
    }

    /// The API reference (docs/lua-api.md): the documentation of a state with the `loraf` module only.
    public static func apiMarkdown() throws -> String {
        let state = try LuaState()
        try install(in: state)
        return state.documentation.markdown()
    }
}

import Foundation
import LorafKernels

/// Seconds since the process started, from the kernel's process start time and the monotonic clock.
enum ProcessClock {
    static func secondsSinceStart() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        let uptime = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        // /proc/self/stat field 22: the process start time in clock ticks after boot.
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return uptime }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return uptime }
        return uptime - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// `loraf.version`, `loraf.help`, `loraf.clock` and `loraf.threads`.
enum CoreBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        try module.value("version", .string(LorafModule.version), doc: """
            loraf.version
            The loraf release as a string, e.g. "\(LorafModule.version)".
            """)
        module.function("clock", doc: """
            loraf.clock() -> seconds
            Wall-clock seconds since the process started (monotonic, sub-millisecond), for timing jobs; Lua's \
            os.clock() counts CPU time of all threads instead.
            """) { _ in [.number(ProcessClock.secondsSinceStart())] }
        module.function("threads", doc: """
            loraf.threads([n]) -> n
            The number of threads the kernels use (default: the number of cores, or $LORAF_THREADS); with an \
            argument, sets it first.
            """) { args in
            if let n = try args.optionalInteger(1) {
                guard n >= 1 else { throw args.error(1, "thread count must be at least 1") }
                Parallel.threadCount = n
            }
            return [.integer(Parallel.threadCount)]
        }
        module.function("help", doc: """
            loraf.help([name])
            Without an argument, prints every documented function, method and class; with a name \
            such as "help" or "loraf.help" or "Tensor:shape", prints that entry's signature and description. \
            Errors if no entry has that name.
            """) { args in
            let documentation = args.state.documentation
            guard let name = try args.optionalString(1) else {
                print(documentation.index())
                return []
            }
            guard let entry = documentation.entry(named: name) else {
                throw args.error(1, "no documented entry named '\(name)'")
            }
            print(documentation.text(for: entry))
            return []
        }
    }
}
