/// The one table between llama.cpp's GGUF tensor names and Hugging Face parameter names for Llama-family models
/// (llama.cpp's `LLM_TENSOR_NAMES` for LLM_ARCH_LLAMA; `{N}` is the block index), and the q/k row order.
public enum GGUFLlamaNames {
    /// (GGUF name, Hugging Face name) templates.
    public static let table: [(gguf: String, huggingFace: String)] = [
        ("token_embd", "model.embed_tokens"),
        ("output_norm", "model.norm"),
        ("output", "lm_head"),
        ("blk.{N}.attn_norm", "model.layers.{N}.input_layernorm"),
        ("blk.{N}.attn_q", "model.layers.{N}.self_attn.q_proj"),
        ("blk.{N}.attn_k", "model.layers.{N}.self_attn.k_proj"),
        ("blk.{N}.attn_v", "model.layers.{N}.self_attn.v_proj"),
        ("blk.{N}.attn_output", "model.layers.{N}.self_attn.o_proj"),
        ("blk.{N}.ffn_norm", "model.layers.{N}.post_attention_layernorm"),
        ("blk.{N}.ffn_gate", "model.layers.{N}.mlp.gate_proj"),
        ("blk.{N}.ffn_up", "model.layers.{N}.mlp.up_proj"),
        ("blk.{N}.ffn_down", "model.layers.{N}.mlp.down_proj"),
    ]
    /// `blk.3.attn_q.weight` → `model.layers.3.self_attn.q_proj.weight`; nil for a name not in the table.
    public static func huggingFaceName(_ gguf: String) -> String? { translate(gguf, from: \.gguf, to: \.huggingFace) }

    /// `model.layers.3.self_attn.q_proj.weight` → `blk.3.attn_q.weight`; nil for a name not in the table.
    public static func ggufName(_ huggingFace: String) -> String? { translate(huggingFace, from: \.huggingFace, to: \.gguf) }

    private static func translate(_ name: String, from: KeyPath<(gguf: String, huggingFace: String), String>,
                                  to: KeyPath<(gguf: String, huggingFace: String), String>) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let stem = String(name[..<dot]), suffix = String(name[dot...])
        for entry in table {
            let pattern = entry[keyPath: from]
            if !pattern.contains("{N}") {
                if stem == pattern { return entry[keyPath: to] + suffix }
                continue
            }
            let parts = pattern.components(separatedBy: "{N}")
            guard stem.hasPrefix(parts[0]), stem.hasSuffix(parts[1]), stem.count > parts[0].count + parts[1].count else { continue }
            let index = stem.dropFirst(parts[0].count).dropLast(parts[1].count)
            guard index.allSatisfy(\.isASCII), let n = Int(index), n >= 0 else { continue }
            return entry[keyPath: to].replacingOccurrences(of: "{N}", with: String(n)) + suffix
        }
        return nil
    }

    /// llama.cpp's converter interleaves the two rotary halves of each head's q and k rows (its RoPE rotates
    /// adjacent pairs): GGUF row h·d + 2j + i holds Hugging Face row h·d + i·d/2 + j. The returned permutation p
    /// gives, for each Hugging Face row r, the GGUF row p[r] to read.
    public static func ropeRowPermutation(heads: Int, headDim d: Int) -> [Int] {
        var p = [Int](repeating: 0, count: heads * d)
        for h in 0..<heads {
            for i in 0..<2 {
                for j in 0..<(d / 2) { p[h * d + i * (d / 2) + j] = h * d + 2 * j + i }
            }
        }
        return p
    }
}
