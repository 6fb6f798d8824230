/// The contract between `loraf` and a Swift plugin's dynamic library.
///
/// A plugin exports two C functions (docs/plugins.md):
/// - `int32_t loraf_plugin_abi_version(void)`: the `PluginABI.version` it was compiled against;
/// - `int32_t loraf_plugin_register(void *registrar)`: registers its strategies through the
///   ``PluginRegistrar`` behind the pointer and returns 0, or returns non-zero after recording an error.
///
/// The version is checked before `loraf_plugin_register` is called. It is raised whenever a public type that
/// plugins use changes layout or meaning, since a plugin uses loraf's types directly.
public enum PluginABI {
    /// The ABI version of this build. `@inlinable`, so a plugin's copy is fixed when the plugin is compiled
    /// (reading it at run time would always give the host's value and prove nothing).
    @inlinable public static var version: Int32 { 1 }

    /// Name of the exported C function returning the plugin's ABI version.
    public static let versionSymbol = "loraf_plugin_abi_version"
    /// Name of the exported C function that registers the plugin's strategies.
    public static let registerSymbol = "loraf_plugin_register"
}
