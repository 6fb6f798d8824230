import Foundation
import LorafFormats
import LorafKernels
import LorafModels
import LorafTensor

/// A merged model written as a GGUF file that llama.cpp loads: the base GGUF file with its metadata (architecture,
/// tokenizer, chat template, everything) and tensor order, every merged tensor replaced, every other tensor's bytes
/// copied unchanged.
enum MergedGGUF {
    /// Writes `changed` (Hugging Face paths → merged Float32 values, see `MergedTensors.changed`) over the tensors of
    /// the GGUF file `source` into `url` (atomically). q/k rows go back into llama.cpp's RoPE order. Each merged
    /// tensor is encoded per `dtype`: `.requantize` as the base tensor's type when loraf has its quantizer
    /// (`Kernels.quantizableFormats`), else F16 with a note; `.f16` / `.f32` as that. 1-D tensors stay F32.
    /// A merged tensor the base file lacks (an adapted lm_head tied to token_embd) is appended.
    /// - Returns: the GGUF names of the merged tensors and the notes.
    /// - Throws: `StrategyError.adapterFile` for a tensor with no llama.cpp name or another shape than the base's,
    ///   `StrategyError.invalidState` for a non-finite merged value; `GGUFError` for a bad source or a failed write.
    static func write(_ changed: [(path: String, tensor: Tensor)], model: TransformerModel, source: URL, to url: URL,
                      dtype: MergedModelExport.DType) throws -> (merged: [String], notes: [String]) {
        let file = try GGUFFile(contentsOf: source)
        let architecture = try file.metadata.string("general.architecture")
        let family = try ModelFamilyRegistry.shared.family(ggufArchitecture: architecture, source: source.path)
        var replacements: [String: GGUFWriter.Tensor] = [:], appended: [GGUFWriter.Tensor] = [], notes: [String] = []
        for (path, tensor) in changed {
            guard let name = family.ggufTensorName(forParameter: path, in: model) else {
                throw StrategyError.adapterFile("merged GGUF: '\(path)' has no llama.cpp tensor name")
            }
            let base = file.tensors.first { $0.name == name }
            if let base, base.shape != tensor.shape {
                throw StrategyError.adapterFile("merged GGUF: '\(path)' is \(tensor.shape) but the base's '\(name)' is \(base.shape)")
            }
            let (format, note) = format(for: name, shape: tensor.shape, base: base?.type, dtype: dtype)
            notes += note.map { [$0] } ?? []
            let rows = fileRowOrder(tensor, permutation: family.ggufRowPermutation(forParameter: path, in: model))
            let bytes: [UInt8]
            do { bytes = try Kernels.quantize(rows, as: format) } catch let QuantError.nonFinite(index, value) {
                throw StrategyError.invalidState("merged GGUF: '\(path)' is \(value) at element \(index) after merging; nothing was written")
            }
            let encoded = GGUFWriter.Tensor(name: name, shape: tensor.shape, type: GGMLType(rawValue: UInt32(format.rawValue))!, bytes: bytes)
            if base != nil { replacements[name] = encoded } else { appended.append(encoded) }
        }
        let tensors = try file.tensors.map { info in
            try replacements[info.name] ?? GGUFWriter.Tensor(name: info.name, shape: info.shape, type: info.type, bytes: Array(file.tensorBytes(info.name)))
        } + appended
        try GGUFWriter.write(metadata: file.metadata.entries, tensors: tensors, to: url)
        return (changed.compactMap { family.ggufTensorName(forParameter: $0.path, in: model) }, notes)
    }

    /// The type a merged tensor is written in, and a note when `.requantize` cannot keep the base's type.
    static func format(for name: String, shape: [Int], base: GGMLType?, dtype: MergedModelExport.DType) -> (QuantFormat, String?) {
        if shape.count == 1 { return (.f32, nil) }
        switch dtype {
        case .f32: return (.f32, nil)
        case .f16, .bf16: return (.f16, nil)
        case .requantize:
            guard let base else { return (.f16, "\(name): not in the base file; written as F16") }
            if let format = QuantFormat(rawValue: Int(base.rawValue)), Kernels.quantizableFormats.contains(format) { return (format, nil) }
            return (.f16, "\(name): loraf has no \(base.name) quantizer; written as F16")
        }
    }

    /// The values of `tensor` [rows, ...] with row i moved to row `permutation[i]` (llama.cpp's order), or as they are.
    private static func fileRowOrder(_ tensor: Tensor, permutation: [Int]?) -> [Float] {
        let values = tensor.scalars
        guard let permutation, let rows = tensor.shape.first, permutation.count == rows, rows > 0 else { return values }
        let width = values.count / rows
        var out = [Float](repeating: 0, count: values.count)
        for (row, target) in permutation.enumerated() { out[(target * width)..<((target + 1) * width)] = values[(row * width)..<((row + 1) * width)] }
        return out
    }
}
