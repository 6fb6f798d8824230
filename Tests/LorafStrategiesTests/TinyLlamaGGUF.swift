import Foundation
import LorafFormats
import LorafKernels
import LorafModels
import LorafTestSupport

/// The tiny Llama of Tests/Fixtures/tiny_decoders/llama (vocab 96, hidden 32, 2 layers, 4 heads / 2 KV heads,
/// intermediate 48) written as llama.cpp would store it: llama.cpp names, q/k rows in its RoPE order, and a mix of
/// tensor types (token_embd and ffn_gate/up Q8_0, attn_q and output Q4_1, attn_k Q4_0, attn_v Q5_1, attn_output
/// Q5_0, ffn_down F16 (48 columns are not whole blocks), norms F32). Default RoPE (GGUF carries no llama3 scaling
/// here), a chat template and a name in the metadata so that copying them shows.
enum TinyLlamaGGUF {
    static let types: [String: QuantFormat] = [
        "token_embd": .q8_0, "output": .q4_1, "attn_q": .q4_1, "attn_k": .q4_0, "attn_v": .q5_1, "attn_output": .q5_0,
        "ffn_gate": .q8_0, "ffn_up": .q8_0, "ffn_down": .f16,
    ]

    static let metadata: [GGUFMetadata.Entry] = [
        .init("general.architecture", .string("llama")), .init("general.name", .string("tiny llama")),
        .init("llama.block_count", .uint32(2)), .init("llama.context_length", .uint32(64)), .init("llama.embedding_length", .uint32(32)),
        .init("llama.feed_forward_length", .uint32(48)), .init("llama.attention.head_count", .uint32(4)),
        .init("llama.attention.head_count_kv", .uint32(2)), .init("llama.rope.freq_base", .float32(10000)),
        .init("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)), .init("llama.vocab_size", .uint32(96)),
        .init("tokenizer.ggml.bos_token_id", .uint32(1)), .init("tokenizer.ggml.eos_token_id", .uint32(2)),
        .init("tokenizer.chat_template", .string("{% for m in messages %}{{ m.content }}{% endfor %}")),
    ]

    /// Writes the file at `url`.
    static func write(to url: URL) throws {
        let source = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("tiny_decoders/llama/model.safetensors"))
        var tensors: [GGUFWriter.Tensor] = []
        for name in source.tensorNames.sorted() {
            guard let gguf = GGUFLlamaNames.ggufName(name) else { continue }
            let shape = try source.tensorInfo(name).shape
            var values = try source.floats(name)
            if let heads = name.contains("q_proj") ? 4 : name.contains("k_proj") ? 2 : nil {
                values = fileOrder(values, rows: shape[0], permutation: GGUFLlamaNames.ropeRowPermutation(heads: heads, headDim: 8))
            }
            let stem = gguf.hasPrefix("blk.") ? String(gguf.split(separator: ".")[2]) : String(gguf.split(separator: ".")[0])
            let format = shape.count == 1 ? .f32 : types[stem] ?? .f32
            tensors.append(GGUFWriter.Tensor(name: gguf, shape: shape, type: GGMLType(rawValue: UInt32(format.rawValue))!,
                                             bytes: try Kernels.quantize(values, as: format)))
        }
        try GGUFWriter.write(metadata: metadata, tensors: tensors, to: url)
    }

    /// Row i of `values` moved to row `permutation[i]`.
    private static func fileOrder(_ values: [Float], rows: Int, permutation: [Int]) -> [Float] {
        let width = values.count / rows
        var out = values
        for (row, target) in permutation.enumerated() { out[(target * width)..<((target + 1) * width)] = values[(row * width)..<((row + 1) * width)] }
        return out
    }
}
