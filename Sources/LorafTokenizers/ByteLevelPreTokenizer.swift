/// How a byte-level BPE tokenizer cuts text into pieces before the merges run (merges never
/// cross a piece boundary). The kinds are those of llama.cpp's `tokenizer.ggml.pre` and of the
/// `pre_tokenizer` objects of real tokenizer.json files:
///
/// | kind | GGUF `tokenizer.ggml.pre` | tokenizer.json |
/// |---|---|---|
/// | `.gpt2` | gpt-2, gpt2, phi-2, jina-*, ... | `ByteLevel` with `use_regex: true` |
/// | `.llama3` | llama3, llama-v3, llama-bpe, falcon3, dbrx, smaug-bpe | `Split` with the Llama 3 regex, then `ByteLevel` |
/// | `.qwen2` | qwen2, deepseek-r1-qwen, stablelm2, megrez | `Split` with the Qwen2 regex, then `ByteLevel` |
/// | `.smollm` | smollm, starcoder, refact, command-r, codeshell | `Digits(individual_digits)`, then `ByteLevel` |
///
/// The rules themselves are in `PreTokenizerRules`.
public enum ByteLevelPreTokenizerKind: String, Sendable, CaseIterable {
    case gpt2, llama3, qwen2, smollm

    /// The kind of a GGUF `tokenizer.ggml.pre` value, or `nil` for one loraf does not implement.
    public init?(ggufName name: String) {
        switch name {
        case "gpt-2", "gpt2", "phi-2", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de", "jina-v1-en",
             "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais", "gigachat", "mellum", "exaone4":
            self = .gpt2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "dbrx", "smaug-bpe":
            self = .llama3
        case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", "kormo":
            self = .qwen2
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            self = .smollm
        default:
            return nil
        }
    }
}

/// The pre-tokenizer of a byte-level BPE tokenizer: a kind, and whether a space is put before
/// each text that does not start with one (HF ByteLevel `add_prefix_space`, GPT-2 kind only).
struct ByteLevelPreTokenizer: Sendable {
    let kind: ByteLevelPreTokenizerKind
    let addPrefixSpace: Bool

    /// Appends the pieces of `scalars` (one text between added tokens) to `pieces`, as
    /// scalar ranges in order, covering the whole text.
    func appendPieces(of scalars: [UInt32], to pieces: inout [Range<Int>]) {
        let classes = scalars.map(PreTokenizerScalarClass.of)
        var start = 0
        while start < scalars.count {
            if kind == .smollm, classes[start] == .number {
                pieces.append(start..<(start + 1))
                start += 1
                continue
            }
            let segmentEnd = kind == .smollm ? nextNumber(in: classes, from: start) : scalars.count
            let rules = PreTokenizerRules(scalars: scalars, classes: classes, end: segmentEnd)
            while start < segmentEnd {
                let pieceEnd: Int
                switch kind {
                case .gpt2, .smollm: pieceEnd = rules.gpt2PieceEnd(from: start)
                case .llama3: pieceEnd = rules.llama3PieceEnd(from: start, maxDigits: 3)
                case .qwen2: pieceEnd = rules.llama3PieceEnd(from: start, maxDigits: 1)
                }
                pieces.append(start..<pieceEnd)
                start = pieceEnd
            }
        }
    }

    /// SmolLM splits every digit off first, so the GPT-2 rules see the text between two digits
    /// as a text of its own, which ends at the next number scalar.
    private func nextNumber(in classes: [PreTokenizerScalarClass], from start: Int) -> Int {
        var index = start
        while index < classes.count, classes[index] != .number { index += 1 }
        return index
    }
}
