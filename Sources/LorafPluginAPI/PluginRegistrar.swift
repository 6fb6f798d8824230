import LorafStrategies

/// What a Swift plugin registers, collected while its `loraf_plugin_register` runs and added to
/// `StrategyRegistry.shared` only when registration succeeds as a whole, so a plugin that fails half-way leaves
/// nothing behind.
///
/// A plugin's entry point hands the opaque pointer it receives to ``run(_:_:)``:
/// ```swift
/// @_cdecl("loraf_plugin_register")
/// public func lorafPluginRegister(_ registrar: UnsafeMutableRawPointer?) -> Int32 {
///     PluginRegistrar.run(registrar) { try $0.register(IA3Strategy()) }
/// }
/// ```
public final class PluginRegistrar {
    /// The plugin's name (its folder), used in messages.
    public let pluginName: String
    /// Strategies registered so far, in order.
    public private(set) var strategies: [Strategy] = []
    /// Why registration failed (an error the plugin's body threw), or nil.
    public private(set) var failure: String?

    public init(pluginName: String) {
        self.pluginName = pluginName
    }

    /// Adds `strategy` to what this plugin provides.
    /// - Throws: `PluginError.registration` when its name is empty, is already registered (a built-in strategy or
    ///   another plugin's), or is registered twice by this plugin; and likewise for its `peftType`.
    public func register(_ strategy: Strategy) throws {
        let name = strategy.name
        guard !name.isEmpty else { throw PluginError.registration("plugin '\(pluginName)': a strategy has an empty name") }
        let registry = StrategyRegistry.shared
        if registry.names.contains(name) || strategies.contains(where: { $0.name == name }) {
            throw PluginError.registration("plugin '\(pluginName)': strategy '\(name)' is already registered")
        }
        if (try? registry.strategy(peftType: strategy.peftType)) != nil || strategies.contains(where: { $0.peftType == strategy.peftType }) {
            throw PluginError.registration("plugin '\(pluginName)': peft_type '\(strategy.peftType)' of strategy '\(name)' is already taken")
        }
        strategies.append(strategy)
    }

    /// Runs a plugin's registration `body` against the registrar behind `pointer` (what `loraf_plugin_register`
    /// received). Returns 0 on success; otherwise 1 with the error recorded in ``failure`` (2 for a null pointer).
    public static func run(_ pointer: UnsafeMutableRawPointer?, _ body: (PluginRegistrar) throws -> Void) -> Int32 {
        guard let pointer else { return 2 }
        let registrar = Unmanaged<PluginRegistrar>.fromOpaque(pointer).takeUnretainedValue()
        do {
            try body(registrar)
            return 0
        } catch {
            registrar.failure = "\(error)"
            return 1
        }
    }

    /// Adds every collected strategy to `StrategyRegistry.shared`; returns their names. Called by loraf's loader
    /// once the plugin's registration returned successfully.
    public func commitToRegistry() -> [String] {
        for strategy in strategies { StrategyRegistry.shared.register(strategy) }
        return strategies.map(\.name)
    }
}

/// Why a plugin was rejected. The message names the plugin and the file involved.
public enum PluginError: Error, CustomStringConvertible, Equatable {
    /// The library is absent (the plugin was not built).
    case notBuilt(String)
    /// dlopen failed, or an entry point is missing.
    case load(String)
    /// The plugin was compiled against another `PluginABI.version`.
    case abiMismatch(String)
    /// Registration threw or reported failure.
    case registration(String)
    /// A Lua plugin raised an error.
    case lua(String)
    /// `loraf plugin build` failed.
    case build(String)

    public var description: String {
        switch self {
        case let .notBuilt(m), let .load(m), let .abiMismatch(m), let .registration(m), let .lua(m), let .build(m): return m
        }
    }
}
