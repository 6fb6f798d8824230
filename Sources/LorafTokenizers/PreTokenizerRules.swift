/// The split rules of the byte-level pre-tokenizers, written as a scanner over Unicode scalars
/// instead of a regex engine. Each function returns the end of the piece that starts at `start`,
/// following the regex's alternatives in order with its backtracking spelled out.
///
/// GPT-2 (HF ByteLevel, llama.cpp `gpt-2`, and `smollm` after its digit split):
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
///
/// Llama 3 (its tokenizer.json Split regex; Qwen2 is the same with `\p{N}` for `\p{N}{1,3}`):
/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
struct PreTokenizerRules {
    let scalars: [UInt32]
    let classes: [PreTokenizerScalarClass]
    /// End of the text being split (pieces never cross it; `(?!\S)` holds there).
    let end: Int

    private static let apostrophe: UInt32 = 0x27, space: UInt32 = 0x20, cr: UInt32 = 0x0D, lf: UInt32 = 0x0A

    /// End of the run of scalars of class `kind` starting at `start`.
    @inline(__always)
    private func run(of kind: PreTokenizerScalarClass, from start: Int) -> Int {
        var index = start
        while index < end, classes[index] == kind { index += 1 }
        return index
    }

    @inline(__always)
    private func isNewline(_ index: Int) -> Bool { scalars[index] == Self.cr || scalars[index] == Self.lf }

    /// Length of `'s|'t|'re|'ve|'m|'ll|'d` at `start` (0 when none); ASCII case folded when asked.
    private func contractionLength(at start: Int, ignoringCase: Bool) -> Int {
        guard scalars[start] == Self.apostrophe, start + 1 < end else { return 0 }
        func letter(_ offset: Int) -> UInt32? {
            guard start + offset < end else { return nil }
            let value = scalars[start + offset]
            return ignoringCase && (0x41...0x5A).contains(value) ? value + 0x20 : value
        }
        switch letter(1).flatMap(Unicode.Scalar.init) {
        case "s", "t", "m", "d": return 2
        case "r", "v": return letter(2) == UInt32(("e" as Unicode.Scalar).value) ? 3 : 0
        case "l": return letter(2) == UInt32(("l" as Unicode.Scalar).value) ? 3 : 0
        default: return 0
        }
    }

    /// `\s+(?!\S)|\s+` for the white-space run at `start`: all of it at the end of the text,
    /// else all but its last scalar (which then leads the next piece), else the one scalar.
    private func whitespaceEnd(from start: Int) -> Int {
        let runEnd = run(of: .whitespace, from: start)
        if runEnd == end || runEnd - start == 1 { return runEnd }
        return runEnd - 1
    }

    /// The end of the GPT-2 piece starting at `start`.
    func gpt2PieceEnd(from start: Int) -> Int {
        let contraction = contractionLength(at: start, ignoringCase: false)
        if contraction > 0 { return start + contraction }
        let kind = classes[start]
        if kind != .whitespace { return run(of: kind, from: start) }
        if scalars[start] == Self.space, start + 1 < end, classes[start + 1] != .whitespace {
            return run(of: classes[start + 1], from: start + 1)
        }
        return whitespaceEnd(from: start)
    }

    /// The end of the Llama 3 piece starting at `start`; numbers are cut after `maxDigits` scalars.
    func llama3PieceEnd(from start: Int, maxDigits: Int) -> Int {
        let contraction = contractionLength(at: start, ignoringCase: true)
        if contraction > 0 { return start + contraction }
        let kind = classes[start]
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if kind == .letter { return run(of: .letter, from: start) }
        if kind != .number, !isNewline(start), start + 1 < end, classes[start + 1] == .letter {
            return run(of: .letter, from: start + 1)
        }
        // \p{N}{1,maxDigits}
        if kind == .number { return min(run(of: .number, from: start), start + maxDigits) }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        let symbolsStart = scalars[start] == Self.space && start + 1 < end && classes[start + 1] == .other
            ? start + 1 : start
        if classes[symbolsStart] == .other {
            var index = run(of: .other, from: symbolsStart)
            while index < end, isNewline(index) { index += 1 }
            return index
        }
        // \s*[\r\n]+ ends after the last CR or LF of the white-space run.
        let runEnd = run(of: .whitespace, from: start)
        if let lastNewline = (start..<runEnd).last(where: isNewline) { return lastNewline + 1 }
        return whitespaceEnd(from: start)
    }
}
