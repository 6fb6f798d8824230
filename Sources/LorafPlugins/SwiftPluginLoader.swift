import Foundation
@_exported import LorafPluginAPI

/// Loads a Swift plugin's dynamic library and runs its registration (see ``PluginABI``).
public enum SwiftPluginLoader {
    /// `int32_t loraf_plugin_abi_version(void)`.
    public typealias VersionFunction = @convention(c) () -> Int32
    /// `int32_t loraf_plugin_register(void *registrar)`.
    public typealias RegisterFunction = @convention(c) (UnsafeMutableRawPointer?) -> Int32

    /// dlopens `library` (symbols resolved now, against this process, so a plugin built for another loraf fails
    /// here rather than mid-run), checks its ABI version, runs its registration and adds its strategies to
    /// `StrategyRegistry.shared`.
    /// - Returns: the names of the strategies it registered.
    /// - Throws: ``PluginError`` `.notBuilt` when the file is missing, `.load` with dlerror's text or for a missing
    ///   entry point, `.abiMismatch` naming both versions, `.registration` with the plugin's error.
    public static func load(library: URL, pluginName: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: library.path) else {
            throw PluginError.notBuilt("plugin '\(pluginName)': \(library.path) does not exist; build it with `loraf plugin build` and the plugin's folder")
        }
        guard let handle = dlopen(library.path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            // A symbol of loraf the plugin needs is missing: it was compiled against another build of loraf.
            let hint = reason.contains("undefined symbol") ? " (it was built against another loraf build; rebuild it with `loraf plugin build`)" : ""
            throw PluginError.load("plugin '\(pluginName)': cannot load \(library.path): \(reason)\(hint)")
        }
        do {
            let version = try entryPoint(PluginABI.versionSymbol, in: handle, library: library, pluginName: pluginName, as: VersionFunction.self)()
            guard version == PluginABI.version else {
                throw PluginError.abiMismatch("plugin '\(pluginName)': \(library.lastPathComponent) was built for plugin ABI \(version), this loraf has ABI \(PluginABI.version); rebuild it with `loraf plugin build`")
            }
            let register = try entryPoint(PluginABI.registerSymbol, in: handle, library: library, pluginName: pluginName, as: RegisterFunction.self)
            return try runRegistration(register, pluginName: pluginName)
        } catch {
            // Nothing of the plugin is in use yet (its strategies are only added on success), so it can go.
            dlclose(handle)
            throw error
        }
    }

    /// Calls a registration entry point with a fresh ``PluginRegistrar`` and commits what it registered.
    /// - Throws: ``PluginError/registration(_:)`` with the plugin's error when it returns non-zero.
    public static func runRegistration(_ register: RegisterFunction, pluginName: String) throws -> [String] {
        let registrar = PluginRegistrar(pluginName: pluginName)
        let status = withExtendedLifetime(registrar) { register(Unmanaged.passUnretained(registrar).toOpaque()) }
        guard status == 0 else {
            throw PluginError.registration("plugin '\(pluginName)': registration failed: \(registrar.failure ?? "it returned status \(status)")")
        }
        return registrar.commitToRegistry()
    }

    private static func entryPoint<F>(_ symbol: String, in handle: UnsafeMutableRawPointer, library: URL, pluginName: String, as type: F.Type) throws -> F {
        guard let address = dlsym(handle, symbol) else {
            throw PluginError.load("plugin '\(pluginName)': \(library.lastPathComponent) does not export \(symbol) (is it a loraf plugin?)")
        }
        return unsafeBitCast(address, to: type)
    }
}
