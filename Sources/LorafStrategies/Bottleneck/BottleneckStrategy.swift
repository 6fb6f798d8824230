import Foundation
import LorafModels
import LorafTensor

/// Bottleneck adapters placed as AdapterHub places them (Houlsby et al. 2019, "Parameter-Efficient Transfer
/// Learning for NLP"; Pfeiffer et al. 2021, "AdapterFusion"): each selected projection Linear is wrapped in a
/// `BottleneckAdapterLayer` computing h + up(act(down(h))), before the block's dropout, residual and LayerNorm
/// (BERT) or before the residual add (Llama, Mistral, Qwen2; Float32 or GGUF-quantized projections alike).
/// Trains the down/up projections (and modules_to_save). Cannot be merged (the non-linearity has no equivalent in
/// the base weights). Saved as peft_type "BOTTLENECK" with keys `base_model.model.<projection path>.adapter_down.weight`.
public final class BottleneckStrategy: Strategy {
    public let name = "adapter"
    public var peftType: String { "BOTTLENECK" }
    public init() { AdapterPaths.registerOwnedSegments(["adapter_down", "adapter_up"]) }

    /// Where each variant puts adapters, per model family: a regular expression over the projection's full module
    /// path (the attention output and FFN output projections of every layer). In a Llama-family decoder block
    /// (pre-norm, no dropout) the adapter on `self_attn.o_proj` / `mlp.down_proj` acts on the sublayer's output just
    /// before its residual add, where AdapterHub's Llama support puts its attention and output adapters.
    static let placements: [String: [String: String]] = [
        "bert": ["houlsby": #"(.*\.)?encoder\.layer\.\d+\.(attention\.output|output)\.dense"#,
                 "pfeiffer": #"(.*\.)?encoder\.layer\.\d+\.output\.dense"#],
        "llama": decoderPlacements, "mistral": decoderPlacements, "qwen2": decoderPlacements,
    ]

    /// Llama, Mistral and Qwen2 (`model.layers.<i>.self_attn.o_proj`, `model.layers.<i>.mlp.down_proj`).
    private static let decoderPlacements = ["houlsby": #"(.*\.)?layers\.\d+\.(self_attn\.o_proj|mlp\.down_proj)"#,
                                            "pfeiffer": #"(.*\.)?layers\.\d+\.mlp\.down_proj"#]

    /// Standard deviation of the down-projection's initial weight.
    static let downInitStd: Float = 0.01

    public func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter {
        let config = try BottleneckConfig(&options)
        var rng = RandomGenerator(seed: UInt64(try options.int("seed", default: 0, minimum: 0)), stream: 13)
        guard let pattern = BottleneckStrategy.placements[model.base.modelType]?[config.variant] else {
            throw StrategyError.invalidOption("\(options.context): no bottleneck adapter placement is known for model_type '\(model.base.modelType)' (known: \(BottleneckStrategy.placements.keys.sorted().joined(separator: ", ")))")
        }
        let candidates = model.base.namedModules().filter { path, module in
            !path.isEmpty && !AdapterPaths.isInsideWrapper(path) && module is UnaryModule && innermostLinear(module) != nil
        }.map(\.path)
        let selector = TargetSelector(targets: .regex(pattern), layers: config.layersToTransform)
        let paths = try selector.select(from: candidates, context: options.context)
        let adapter = BottleneckAdapter(name: adapterName, strategy: self, config: config, targets: paths)
        let context = options.context
        return try attachOrRollBack(adapter, to: model) {
            for path in paths {
                let layer = try BottleneckAdapterLayer.wrapping(path, in: model.base)
                let width = innermostLinear(layer)?.outFeatures ?? 0
                try layer.addAdapter(adapterName, size: config.bottleneck(forWidth: width, context: context),
                                     activation: config.activation, downStd: BottleneckStrategy.downInitStd, rng: &rng)
            }
        }
    }

    public func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue] {
        try SavedConfig.attachOptions(config, known: BottleneckConfig.knownKeys, strategy: "bottleneck adapter")
    }
}

/// One bottleneck adapter: its config and the projection paths it wraps.
final class BottleneckAdapter: Adapter {
    let name: String
    let strategy: Strategy
    let config: BottleneckConfig
    let targets: [String]

    init(name: String, strategy: Strategy, config: BottleneckConfig, targets: [String]) {
        self.name = name
        self.strategy = strategy
        self.config = config
        self.targets = targets
    }

    private func layers(in model: AdaptedModel) -> [(path: String, layer: BottleneckAdapterLayer)] {
        targets.compactMap { wrapperInChain(BottleneckAdapterLayer.self, from: $0, in: model.base) }
    }

    /// Weight and bias of the down and up projections of every wrapped layer, with in-memory paths.
    private func tensors(in model: AdaptedModel) -> [(layerPath: String, suffix: String, tensor: Tensor)] {
        var out: [(String, String, Tensor)] = []
        for (path, layer) in layers(in: model) {
            for (side, isDown) in [("adapter_down", true), ("adapter_up", false)] {
                guard let linear = layer.projection(name, down: isDown) else { continue }
                out.append((path, "\(side).\(name).weight", linear.weight))
                if let bias = linear.bias { out.append((path, "\(side).\(name).bias", bias)) }
            }
        }
        return out
    }

    func parameters(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        tensors(in: model).map { ("\($0.layerPath).\($0.suffix)", $0.tensor) }
    }

    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue]) {
        let saved = tensors(in: model).map { entry in
            (key: AdapterFiles.filePath(ofModule: entry.layerPath) + "." + entry.suffix.replacingOccurrences(of: ".\(name).", with: "."),
             tensor: entry.tensor)
        }
        return (saved, config.savedFields)
    }

    func merge(in model: AdaptedModel) throws {
        throw StrategyError.invalidState("adapter '\(name)' is a bottleneck adapter, which cannot be merged: its non-linearity has no equivalent in the base weights")
    }

    func remove(from model: AdaptedModel) throws {
        try removeAdapter(name, from: layers(in: model), in: model.base)
    }
}
