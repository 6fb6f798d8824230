import Foundation
import LorafModels
import LorafTensor

/// BitFit (Ben Zaken et al. 2022, "BitFit: Simple Parameter-efficient Fine-tuning for Transformer-based Masked
/// Language-models"): only the bias terms of the pre-trained body train (query, key, value, attention output,
/// intermediate, output, pooler, every LayerNorm β: every parameter named `bias` outside the task head); the
/// head trains through modules_to_save (by default, as for every strategy). Decoders: Qwen2's q/k/v projections
/// have biases (Float32 or GGUF-quantized layers alike) and train; Llama, Mistral and SmolLM have none, and
/// attaching BitFit to them is refused (`StrategyError.noMatch`, "BitFit trains bias terms, and this llama model
/// has none outside its head ...").
///
/// Each adapter trains its own copies of those biases in a `BitFitBiasLayer` wrapped around each layer that has
/// one, so the base tensors stay untouched: several BitFit adapters coexist, mix in one batch, disable exactly
/// and delete without a trace. `merge` writes the adapter's biases into the base layers (unmerge restores them).
/// No options besides the generic `modules_to_save`. Saved as peft_type "BITFIT" with file keys
/// `base_model.model.<module path>.bias`.
public final class BitFitStrategy: Strategy {
    public let name = "bitfit"
    public init() { AdapterPaths.registerOwnedSegments(["bitfit"]) }

    public func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter {
        let paths = try BitFitStrategy.biasLayerPaths(in: model.base, context: options.context)
        let adapter = BitFitAdapter(name: adapterName, strategy: self, anchors: paths.map(AdapterFiles.filePath(ofModule:)))
        return try attachOrRollBack(adapter, to: model) {
            for path in paths { try BitFitBiasLayer.wrapping(path, in: model.base).addAdapter(adapterName) }
        }
    }

    /// Paths of the modules to wrap (or already wrapped) for every body bias, in model order.
    /// - Throws: `StrategyError.invalidOption` when a body bias belongs to a layer whose bias is not simply added
    ///   to its output (only linear layers and LayerNorm are handled); `.noMatch` when the body has no bias at all.
    static func biasLayerPaths(in model: TransformerModel, context: String) throws -> [String] {
        let heads = model.headModulePaths
        var paths: [String] = []
        for (parameterPath, _) in model.namedParameters() where parameterPath.hasSuffix(".bias") {
            let owner = String(parameterPath.dropLast(".bias".count))
            if AdapterPaths.isAdapterOwned(owner) { continue }
            let segments = owner.split(separator: ".").map(String.init)
            if heads.contains(where: { owner == $0 || owner.hasPrefix($0 + ".") }) { continue }
            let parent = segments.dropLast().joined(separator: ".")
            if segments.last == "base_layer", model.module(at: parent) is BitFitBiasLayer {
                paths.append(parent)
            } else if let module = model.module(at: owner), module is LinearLayer || module is LayerNorm {
                paths.append(owner)
            } else {
                throw StrategyError.invalidOption("\(context): BitFit handles biases of linear and LayerNorm layers; '\(parameterPath)' belongs to a \(model.module(at: owner)?.kind ?? "missing module")")
            }
        }
        guard !paths.isEmpty else {
            throw StrategyError.noMatch("\(context): BitFit trains bias terms, and this \(model.modelType) model has none outside its head (its linear and norm layers have no bias)")
        }
        return paths
    }

    public func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue] {
        try SavedConfig.attachOptions(config, known: ["modules_to_save"], strategy: "BitFit")
    }
}

/// One BitFit adapter: the anchors (wrapper-free paths) of the layers whose `BitFitBiasLayer` holds its biases.
final class BitFitAdapter: Adapter {
    let name: String
    let strategy: Strategy
    let anchors: [String]

    init(name: String, strategy: Strategy, anchors: [String]) {
        self.name = name
        self.strategy = strategy
        self.anchors = anchors
    }

    var canMerge: Bool { true }

    private func layers(in model: AdaptedModel) -> [(path: String, layer: BitFitBiasLayer)] {
        anchors.compactMap { wrapperInChain(BitFitBiasLayer.self, from: $0, in: model.base) }
    }

    /// The adapter's bias per layer: `<layer path>.bitfit.<name>.bias`.
    func parameters(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        layers(in: model).compactMap { path, layer in layer.bias(of: name).map { ("\(path).bitfit.\(name).bias", $0) } }
    }

    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue]) {
        let tensors = layers(in: model).compactMap { path, layer in
            layer.bias(of: name).map { (key: AdapterFiles.filePath(ofModule: path) + ".bias", tensor: $0) }
        }
        return (tensors, [:])
    }

    func merge(in model: AdaptedModel) throws {
        for (_, layer) in layers(in: model) { try layer.merge(name) }
    }

    func unmerge(in model: AdaptedModel) throws {
        for (_, layer) in layers(in: model) where layer.merged?.adapter == name { try layer.unmerge() }
    }

    func remove(from model: AdaptedModel) throws {
        try removeAdapter(name, from: layers(in: model), in: model.base)
    }
}
