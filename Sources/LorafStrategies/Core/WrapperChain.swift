import LorafModels

/// Strategies wrap layers in place: a wrapper keeps the layer it wraps as its `base_layer` child, and a wrapper can
/// itself be wrapped by another strategy's (`output.dense` → BottleneckAdapterLayer → `base_layer` BitFitBiasLayer →
/// `base_layer` Linear). These helpers walk such chains, so each adapter finds its layer whatever was added since.


/// The linear layer (Float32 or quantized) at the bottom of a chain of wrappers (`x.base_layer.base_layer...`), or
/// nil when the chain ends in another kind of layer. Lets one strategy's wrapper wrap another's and still find the weight.
public func innermostLinear(_ module: Module) -> LinearLayer? {
    var node = module
    while !(node is LinearLayer) {
        guard let next = AdapterPaths.wrappedModuleChildNames.lazy.compactMap({ node.childIfPresent($0) }).first else { return nil }
        node = next
    }
    return node as? LinearLayer
}

/// The first module of type `T` on the chain `anchor`, `anchor.base_layer`, `anchor.base_layer.base_layer`, ...
/// below `root`, with its path; nil when the chain has none.
func wrapperInChain<T: Module>(_ type: T.Type, from anchor: String, in root: Module) -> (path: String, layer: T)? {
    var path = anchor
    while let node = root.module(at: path) {
        if let found = node as? T { return (path, found) }
        guard node.childIfPresent("base_layer") != nil else { return nil }
        path += ".base_layer"
    }
    return nil
}

extension AdapterFiles {
    /// The file path of a module: its in-memory path without wrapper segments (`base_layer`, `original_module`),
    /// e.g. `bert.encoder.layer.0.output.dense.base_layer` → `bert.encoder.layer.0.output.dense`. It is also the
    /// stable anchor of the module's wrapper chain.
    static func filePath(ofModule path: String) -> String {
        path.split(separator: ".").filter { !AdapterPaths.wrappedModuleChildNames.contains(String($0)) }.joined(separator: ".")
    }
}
