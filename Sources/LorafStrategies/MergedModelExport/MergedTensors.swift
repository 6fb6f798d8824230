import LorafModels
import LorafTensor

/// One tensor of the base model as the export reads it: a Float32 parameter, or a weight kept in ggml blocks.
enum BaseTensor {
    case dense(Tensor)
    case quantized(QuantizedWeight)

    /// The values as Float32 (the blocks dequantized exactly as ggml does).
    func floats() -> Tensor {
        switch self {
        case let .dense(tensor): return tensor
        case let .quantized(weight): return weight.dequantized()
        }
    }

    var shape: [Int] {
        switch self {
        case let .dense(tensor): return tensor.shape
        case let .quantized(weight): return [weight.rows, weight.columns]
        }
    }

    /// Identity of the storage, so that a tied weight (lm_head sharing embed_tokens) is listed once.
    var identity: ObjectIdentifier {
        switch self {
        case let .dense(tensor): return ObjectIdentifier(tensor)
        case let .quantized(weight): return ObjectIdentifier(weight)
        }
    }
}

/// What merging one LoRA adapter makes of a model's tensors, computed without modifying the model, by Hugging Face
/// parameter path (`model.layers.0.self_attn.q_proj.weight`: in-memory paths without wrapper segments).
enum MergedTensors {
    /// The tensors adapter `name` changes, Float32, in model order:
    /// - every adapted linear's weight W + s·B·A [out, in] (W dequantized when it is kept in blocks);
    /// - its bias copies (LoRA's `bias` = "all" / "lora_only") [out];
    /// - every parameter of its modules_to_save copies, under the original module's path.
    /// - Throws: `StrategyError.invalidState` for an adapter that is not LoRA or while any adapter is merged.
    static func changed(in model: AdaptedModel, adapter name: String) throws -> [(path: String, tensor: Tensor)] {
        let adapter = try model.adapter(name)
        guard let lora = adapter as? LoRAAdapter else {
            throw StrategyError.invalidState("merged export: adapter '\(name)' is a \(adapter.strategy.name) adapter; merged export folds LoRA adapters")
        }
        guard model.merged.isEmpty else {
            throw StrategyError.invalidState("merged export: \(model.merged.joined(separator: ", ")) is merged into the weights; unmerge first (the export merges by itself)")
        }
        var out: [(path: String, tensor: Tensor)] = []
        for (path, layer) in lora.layers(in: model) {
            guard let linear = layer.baseLinear else { throw StrategyError.invalidState("merged export: '\(path)' has no linear layer to merge into") }
            let merged = try GradMode.disabled { try linear.dequantizedWeight() + layer.delta(name) }
            out.append((AdapterFiles.filePath(ofModule: path) + ".weight", merged))
        }
        for (path, layer) in lora.biasLayers(in: model) {
            if let bias = layer.bias(of: name) { out.append((AdapterFiles.filePath(ofModule: path) + ".bias", bias)) }
        }
        for path in model.modulesToSavePaths(for: name) {
            guard let wrapper = model.base.module(at: path) as? ModulesToSaveWrapper, let copy = wrapper.copies.childIfPresent(name) else { continue }
            let anchor = AdapterFiles.filePath(ofModule: path)
            out += copy.namedParameters().map { (anchor + "." + $0.path, $0.tensor) }
        }
        return out
    }

    /// Every tensor of the base model (adapters' own modules and copies left out), by Hugging Face path, each
    /// storage once: the first path wins, so a tied lm_head is listed under model.embed_tokens only.
    static func base(of model: TransformerModel) -> [(path: String, tensor: BaseTensor)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(path: String, tensor: BaseTensor)] = []
        func add(_ path: String, _ tensor: BaseTensor) {
            let clean = AdapterFiles.filePath(ofModule: path)
            guard !AdapterPaths.isAdapterOwned(clean), seen.insert(tensor.identity).inserted else { return }
            out.append((clean, tensor))
        }
        for (path, module) in model.namedModules() {
            switch module {
            case let linear as QuantizedLinear: add(path + ".weight", .quantized(linear.weight))
            case let embedding as QuantizedEmbedding: add(path + ".weight", .quantized(embedding.weight))
            default: break
            }
            for (name, tensor) in module.namedParameters() where !name.contains(".") {
                add(path.isEmpty ? name : path + "." + name, .dense(tensor))
            }
        }
        return out
    }
}
