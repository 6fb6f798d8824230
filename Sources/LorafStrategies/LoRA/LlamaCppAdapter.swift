import Foundation
import LorafFormats
import LorafModels
import LorafTensor

/// Writing a LoRA adapter as a llama.cpp LoRA adapter GGUF, the file `llama-cli -m base.gguf --lora FILE` loads
/// (the layout of llama.cpp's convert_lora_to_gguf.py, as llama-adapter.cpp reads and checks it).
///
/// Metadata: `general.architecture` (the base's GGUF architecture, "llama"), `general.type` = "adapter",
/// `adapter.type` = "lora", `adapter.lora.alpha` (float32), `general.file_type` (0 all F32, 1 mostly F16).
/// Tensors, one pair per adapted layer, named after the base tensor:
/// - `blk.N.attn_q.weight.lora_a`: A, shape [r, in] in PyTorch order (ggml ne = [in, r]);
/// - `blk.N.attn_q.weight.lora_b`: B, shape [out, r] (ggml ne = [r, out]).
///
/// llama.cpp adds scale · B·A·x with scale = alpha / r (r read from B), times the user's `--lora-scaled` factor.
/// Two things are folded into B so that the file means exactly what the loraf adapter means:
/// 1. q_proj and k_proj rows: llama.cpp keeps them in its interleaved RoPE order, so B's rows are permuted into
///    that order (row `p[i]` of the file is row i of B, with p = `ModelFamily.ggufRowPermutation`, the
///    permutation the GGUF loader undoes). A is unchanged.
/// 2. A layer whose scale s differs from lora_alpha / r (use_rslora, alpha_pattern) has B multiplied by
///    s / (lora_alpha / r); with lora_alpha = 0 (llama.cpp then uses scale 1), by s.
///
/// What the format cannot hold is refused rather than dropped: trained biases (`bias` other than "none") and
/// modules_to_save copies.
public enum LlamaCppAdapter {
    /// Writes adapter `name` of `model` to `url` (replaced atomically) with tensors of `type` (`.f32` or `.f16`).
    /// - Returns: the names of the tensors written, in file order.
    /// - Throws: `StrategyError.invalidOption` for another `type`; `StrategyError.adapterFile` for an adapter that
    ///   is not LoRA, one with trained biases or modules_to_save, a model family without GGUF names, or a target
    ///   with no llama.cpp tensor; `GGUFError` when writing fails.
    @discardableResult
    public static func export(_ model: AdaptedModel, adapter name: String, to url: URL, type: GGMLType = .f32) throws -> [String] {
        guard type == .f32 || type == .f16 else {
            throw StrategyError.invalidOption("llama.cpp adapter: type must be F32 or F16, got \(type.name)")
        }
        let lora = try loraAdapter(model, name)
        let modelType = model.base.modelType
        let family = try ModelFamilyRegistry.shared.family(modelType: modelType, source: "llama.cpp adapter")
        guard family.ggufArchitectures.contains(modelType) else {
            throw StrategyError.adapterFile("llama.cpp adapter: model type '\(modelType)' has no GGUF architecture")
        }
        let alpha = Float(lora.config.loraAlpha)
        var tensors: [GGUFWriter.Tensor] = []
        for (path, layer) in lora.layers(in: model) {
            tensors += try pair(of: layer, at: path, adapter: name, alpha: alpha, family: family, model: model.base, type: type)
        }
        let metadata: [GGUFMetadata.Entry] = [
            .init("general.architecture", .string(modelType)),
            .init("general.type", .string("adapter")),
            .init("general.name", .string(name)),
            .init("general.file_type", .uint32(type == .f16 ? 1 : 0)),
            .init("adapter.type", .string("lora")),
            .init("adapter.lora.alpha", .float32(alpha)),
        ]
        try GGUFWriter.write(metadata: metadata, tensors: tensors, to: url)
        return tensors.map(\.name)
    }

    /// The LoRA adapter `name`, refusing what a llama.cpp adapter cannot hold.
    private static func loraAdapter(_ model: AdaptedModel, _ name: String) throws -> LoRAAdapter {
        let adapter = try model.adapter(name)
        guard let lora = adapter as? LoRAAdapter else {
            throw StrategyError.adapterFile("llama.cpp adapter: adapter '\(name)' is a \(adapter.strategy.name) adapter; llama.cpp adapters hold LoRA only")
        }
        guard lora.config.bias == "none" else {
            throw StrategyError.adapterFile("llama.cpp adapter: adapter '\(name)' trains biases (bias = \"\(lora.config.bias)\"), which a llama.cpp adapter cannot hold")
        }
        let copies = model.modulesToSavePaths(for: name)
        guard copies.isEmpty else {
            throw StrategyError.adapterFile("llama.cpp adapter: adapter '\(name)' trains \(copies.joined(separator: ", ")) in full (modules_to_save), which a llama.cpp adapter cannot hold")
        }
        return lora
    }

    /// `<gguf name>.lora_a` [r, in] and `.lora_b` [out, r] for the layer at `path`.
    private static func pair(of layer: LoRALinear, at path: String, adapter name: String, alpha: Float, family: ModelFamily,
                             model: TransformerModel, type: GGMLType) throws -> [GGUFWriter.Tensor] {
        guard let a = (layer.loraA.childIfPresent(name) as? Linear)?.weight,
              let b = (layer.loraB.childIfPresent(name) as? Linear)?.weight, let s = layer.scaling[name] else {
            throw StrategyError.invalidState("llama.cpp adapter: '\(path)' has no LoRA weights for '\(name)'")
        }
        let parameter = path + ".weight"
        guard let base = family.ggufTensorName(forParameter: parameter, in: model) else {
            throw StrategyError.adapterFile("llama.cpp adapter: LoRA target '\(path)' has no llama.cpp tensor name")
        }
        let (r, out) = (a.shape[0], b.shape[0])
        let llamaScale = alpha != 0 ? alpha / Float(r) : 1
        let factor = s / llamaScale
        let permutation = family.ggufRowPermutation(forParameter: parameter, in: model) ?? Array(0..<out)
        guard permutation.count == out else {
            throw StrategyError.invalidState("llama.cpp adapter: '\(path)' has \(out) rows but its GGUF row order has \(permutation.count)")
        }
        let values = b.scalars
        var rows = [Float](repeating: 0, count: out * r)
        for row in 0..<out {
            for k in 0..<r { rows[permutation[row] * r + k] = values[row * r + k] * factor }
        }
        let encode = type == .f16 ? GGUFWriter.Tensor.float16 : GGUFWriter.Tensor.float32
        return [encode(base + ".lora_a", a.shape, a.scalars), encode(base + ".lora_b", [out, r], rows)]
    }
}
