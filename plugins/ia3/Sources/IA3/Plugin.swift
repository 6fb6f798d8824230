import LorafPluginAPI

// The plugin's C entry points (docs/plugins.md). The ABI version is compiled in from the loraf this plugin was
// built against; loraf refuses the plugin when it differs from its own.

@_cdecl("loraf_plugin_abi_version")
public func lorafPluginABIVersion() -> Int32 { PluginABI.version }

@_cdecl("loraf_plugin_register")
public func lorafPluginRegister(_ registrar: UnsafeMutableRawPointer?) -> Int32 {
    PluginRegistrar.run(registrar) { try $0.register(IA3Strategy()) }
}
