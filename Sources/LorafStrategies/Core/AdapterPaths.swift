/// Which module paths belong to adapters rather than to the base model, decided in one place.
///
/// A strategy keeps its own modules under child names it declares with `registerOwnedSegments` (LoRA: `lora_A`,
/// `lora_B`; a plugin: its own), and wrappers keep the layer they wrap under `base_layer` / `original_module`.
/// Target selection skips everything inside a wrapper; bias selection skips what adapters own.
public enum AdapterPaths {
    /// Child names under which wrappers keep the module they wrap.
    public static let wrappedModuleChildNames: Set<String> = ["base_layer", "original_module"]

    nonisolated(unsafe) private static var ownedSegments: Set<String> = ["modules_to_save", "original_module"]

    /// Declares child names under which a strategy keeps its own modules (call from the strategy's `init`).
    public static func registerOwnedSegments(_ names: [String]) { ownedSegments.formUnion(names) }

    /// Whether the parameter or module at `path` belongs to an adapter (its own modules, a modules_to_save copy
    /// or the original it shadows) rather than to the base model.
    public static func isAdapterOwned(_ path: String) -> Bool {
        path.split(separator: ".").contains { ownedSegments.contains(String($0)) }
    }

    /// Whether `path` lies inside a wrapper (an adapter's module, or the layer a wrapper wraps), so that it is not
    /// itself a target candidate: targets are named by the wrapper's path.
    public static func isInsideWrapper(_ path: String) -> Bool {
        path.split(separator: ".").contains { ownedSegments.contains(String($0)) || wrappedModuleChildNames.contains(String($0)) }
    }
}
