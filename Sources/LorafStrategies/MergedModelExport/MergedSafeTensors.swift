import Foundation
import LorafFormats
import LorafKernels
import LorafModels
import LorafTensor

/// A merged model written as a Hugging Face folder that transformers' `AutoModelForCausalLM.from_pretrained` and
/// loraf load: model.safetensors (every base tensor under its Hugging Face name, merged ones replaced, blocks
/// dequantized), config.json, and the tokenizer files the source has.
enum MergedSafeTensors {
    /// Files copied unchanged from a Hugging Face source folder when present.
    static let companionFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.txt",
                                 "vocab.json", "merges.txt", "tokenizer.model", "generation_config.json", "chat_template.jinja"]

    /// Writes the folder `folder` (created if needed; each file replaced atomically). Tensors are written as
    /// `dtype` (.f32, .f16 or .bf16, rounded to nearest even). config.json is the source folder's, or for a GGUF
    /// source the family's description of the model (`ModelFamily.huggingFaceConfig`) with the GGUF file's special
    /// token ids; `tie_word_embeddings` becomes false when the merge changed a tied lm_head.
    /// - Returns: the files written and notes (what a GGUF source cannot give).
    /// - Throws: `StrategyError.adapterFile` when the folder cannot be made or the family cannot describe the
    ///   model, `StrategyError.invalidState` for a non-finite value; `SafeTensorsError` / `GGUFError` for I/O.
    static func write(_ changed: [(path: String, tensor: Tensor)], model: TransformerModel, source: URL, to folder: URL,
                      dtype: MergedModelExport.DType) throws -> (files: [URL], notes: [String]) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StrategyError.adapterFile("merged safetensors: cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
        let format: QuantFormat = dtype == .bf16 ? .bf16 : dtype == .f16 ? .f16 : .f32
        let overrides = Dictionary(changed.map { ($0.path, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let base = MergedTensors.base(of: model)
        let extra = changed.filter { path, _ in !base.contains { $0.path == path } }
        var tensors = base.map { path, tensor in
            encoded(path, shape: tensor.shape, format: format) { overrides[path] ?? tensor.floats() }
        }
        tensors += extra.map { path, tensor in encoded(path, shape: tensor.shape, format: format) { tensor } }
        let weights = folder.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt"], to: weights)
        var config = try configFields(model: model, source: source)
        config["dtype"] = ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][format.description]
        config["torch_dtype"] = config["dtype"]
        if !extra.isEmpty { config["tie_word_embeddings"] = false }
        let configURL = folder.appendingPathComponent("config.json")
        try AtomicFileWriter.write(Array(try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])), to: configURL)
        let (companions, notes) = try writeCompanions(source: source, to: folder)
        return ([weights, configURL] + companions, notes)
    }

    /// A tensor whose values are computed (and blocks dequantized) only when the file is written.
    private static func encoded(_ name: String, shape: [Int], format: QuantFormat, _ values: @escaping () -> Tensor) -> SafeTensorsWriter.Tensor {
        let dtype: SafeTensorsDType = format == .bf16 ? .bf16 : format == .f16 ? .f16 : .f32
        return SafeTensorsWriter.Tensor(name: name, dtype: dtype, shape: shape) { sink in
            do { try sink.write(Kernels.quantize(values().scalars, as: format)) } catch let QuantError.nonFinite(index, value) {
                throw StrategyError.invalidState("merged safetensors: '\(name)' is \(value) at element \(index); nothing was written")
            }
        }
    }

    /// config.json fields: the source folder's, or the family's for a GGUF file plus its special token ids.
    private static func configFields(model: TransformerModel, source: URL) throws -> [String: Any] {
        if source.pathExtension.lowercased() != "gguf" {
            let data = try Data(contentsOf: source.appendingPathComponent("config.json"))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw StrategyError.adapterFile("merged safetensors: \(source.path)/config.json is not a JSON object")
            }
            return object
        }
        let family = try ModelFamilyRegistry.shared.family(modelType: model.modelType, source: "merged safetensors")
        guard var fields = family.huggingFaceConfig(of: model) else {
            throw StrategyError.adapterFile("merged safetensors: the \(family.name) family cannot write a config.json for \(model.kind)")
        }
        let metadata = try GGUFFile(contentsOf: source).metadata
        for (key, field) in [("bos_token_id", "bos"), ("eos_token_id", "eos"), ("pad_token_id", "padding"), ("unk_token_id", "unknown")] {
            if metadata["tokenizer.ggml.\(field)_token_id"] != nil { fields[key] = try metadata.int("tokenizer.ggml.\(field)_token_id") }
        }
        return fields
    }

    /// Tokenizer and generation files: copied from a source folder; from a GGUF file only its chat template
    /// (chat_template.jinja), with a note that tokenizer.json is not written.
    private static func writeCompanions(source: URL, to folder: URL) throws -> (files: [URL], notes: [String]) {
        var written: [URL] = []
        if source.pathExtension.lowercased() == "gguf" {
            if let template = try GGUFFile(contentsOf: source).metadata["tokenizer.chat_template"]?.string {
                let url = folder.appendingPathComponent("chat_template.jinja")
                try AtomicFileWriter.write(Array(template.utf8), to: url)
                written.append(url)
            }
            return (written, ["tokenizer files are not written for a GGUF source (its tokenizer is in GGUF metadata); copy them from the original model, e.g. with scripts/gguf_to_hf.py"])
        }
        for name in companionFiles {
            let from = source.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: from) else { continue }
            let url = folder.appendingPathComponent(name)
            try AtomicFileWriter.write(Array(data), to: url)
            written.append(url)
        }
        return (written, [])
    }
}
