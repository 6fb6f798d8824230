import Foundation
import LorafModels

/// Writing a model with its LoRA adapter folded in ("fuse"): W' = W + s·B·A for every adapted linear (W dequantized
/// when the base keeps it in ggml blocks), the adapter's bias copies and modules_to_save copies written in place of
/// the originals, so the result runs without loraf or PEFT. The model itself is not modified.
///
/// - `.gguf`: the base GGUF file (all its metadata: architecture, tokenizer, chat template) with each merged tensor
///   written as `.f16` (the default, as llama.cpp's export-lora writes merged tensors) or `.f32`, or requantized to
///   the base tensor's type (`.requantize`: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 rounded as ggml's reference quantizers;
///   other types become F16 with a note; it keeps the file size but rounds most of a LoRA update away, since the
///   update is mostly smaller than half a 4-bit step); untouched tensors keep their bytes. llama.cpp loads it as it loads the base. Needs a base loaded from a GGUF file.
/// - `.safetensors`: a Hugging Face folder (model.safetensors with Hugging Face names, config.json, tokenizer files
///   when the source is a folder) in `.f32`, `.f16` or `.bf16`, for transformers' `from_pretrained` and loraf.
///
/// ```swift
/// let report = try MergedModelExport.export(model, source: URL(fileURLWithPath: "models/SmolLM2-135M-Instruct.Q4_1.gguf"),
///                                           to: URL(fileURLWithPath: "merged.gguf"), format: .gguf)
/// print(report.mergedTensors.count, report.notes)
/// ```
public enum MergedModelExport {
    public enum Format: String, CaseIterable, Sendable {
        case gguf, safetensors
    }

    /// How merged tensors are stored (untouched GGUF tensors always keep theirs).
    public enum DType: String, CaseIterable, Sendable {
        case requantize, f16, f32, bf16

        /// The dtypes `format` accepts, the default first.
        public static func allowed(for format: Format) -> [DType] {
            format == .gguf ? [.f16, .f32, .requantize] : [.f32, .f16, .bf16]
        }
    }

    /// What an export wrote.
    public struct Report: Sendable {
        /// The files written (the GGUF file; or model.safetensors, config.json and the companions).
        public let files: [URL]
        /// Names of the merged tensors (GGUF names for `.gguf`, Hugging Face names for `.safetensors`).
        public let mergedTensors: [String]
        /// What could not be done as asked (a type without quantizer, files a GGUF source cannot give).
        public let notes: [String]
    }

    /// Writes `model` with adapter `adapter` (default: the active one) merged, as `format` at `url` (the GGUF file, or
    /// the folder for safetensors, created if needed). `source` is the file or folder the base model was loaded from
    /// (the GGUF export copies its metadata and untouched tensors; the safetensors export its config and tokenizer).
    /// `dtype` defaults to the first of `DType.allowed(for: format)`.
    /// - Throws: `StrategyError.invalidOption` for a dtype the format does not take or a GGUF export from a non-GGUF
    ///   source; `StrategyError.invalidState` for no adapter, a non-LoRA adapter, a merged model or a non-finite
    ///   merged value; `StrategyError.unknownAdapter`; `StrategyError.adapterFile`, `GGUFError` or
    ///   `SafeTensorsError` (naming the path) when a file cannot be read or written. Nothing is left half-written:
    ///   each file is replaced atomically.
    @discardableResult
    public static func export(_ model: AdaptedModel, adapter: String? = nil, source: URL, to url: URL, format: Format,
                              dtype: DType? = nil) throws -> Report {
        let dtype = dtype ?? DType.allowed(for: format)[0]
        guard DType.allowed(for: format).contains(dtype) else {
            throw StrategyError.invalidOption("merged export: dtype '\(dtype.rawValue)' does not apply to \(format.rawValue) (allowed: \(DType.allowed(for: format).map(\.rawValue).joined(separator: ", ")))")
        }
        guard let name = adapter ?? model.activeAdapter else {
            throw StrategyError.invalidState("merged export: the model has no adapter to merge")
        }
        let isGGUF = source.pathExtension.lowercased() == "gguf"
        guard model.base.task == .causalLM || !isGGUF else {
            throw StrategyError.invalidOption("merged export: a model loaded from a GGUF file is exported as a causal LM; this one is a \(model.base.task) model")
        }
        let changed = try MergedTensors.changed(in: model, adapter: name)
        switch format {
        case .gguf:
            guard isGGUF else {
                throw StrategyError.invalidOption("merged export: GGUF output needs a base loaded from a GGUF file (this one came from \(source.path)); write safetensors, or convert that with llama.cpp's convert_hf_to_gguf.py")
            }
            let (merged, notes) = try MergedGGUF.write(changed, model: model.base, source: source, to: url, dtype: dtype)
            return Report(files: [url], mergedTensors: merged, notes: notes)
        case .safetensors:
            let (files, notes) = try MergedSafeTensors.write(changed, model: model.base, source: source, to: url, dtype: dtype)
            return Report(files: files, mergedTensors: changed.map(\.path), notes: notes)
        }
    }
}
