import LorafModels

/// Child names under which strategy wrappers keep the module they wrap (`base_layer`) and modules_to_save keeps
/// the base module (`original_module`).
let wrappedModuleChildNames = ["base_layer", "original_module"]

/// The Linear at the bottom of a chain of wrappers (`x.base_layer.base_layer...`), or nil when the chain ends
/// in another kind of layer. Lets one strategy's wrapper wrap another's and still find the weight.
func innermostLinear(_ module: Module) -> Linear? {
    var node = module
    while !(node is Linear) {
        guard let next = wrappedModuleChildNames.lazy.compactMap({ node.childIfPresent($0) }).first else { return nil }
        node = next
    }
    return node as? Linear
}

extension AdapterFiles {
    /// The file path of a module: its in-memory path without wrapper segments (`base_layer`, `original_module`),
    /// e.g. `bert.encoder.layer.0.output.dense.base_layer` → `bert.encoder.layer.0.output.dense`.
    static func filePath(ofModule path: String) -> String {
        path.split(separator: ".").filter { !wrappedModuleChildNames.contains(String($0)) }.joined(separator: ".")
    }
}
