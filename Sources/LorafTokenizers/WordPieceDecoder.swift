/// HF `tokenizers`' WordPiece decoder: continuation pieces lose their prefix and join the
/// previous piece, other tokens get a leading space; with `cleanup`, each token then goes through
/// the BERT clean-up of spaces before punctuation and English contractions.
struct WordPieceDecoder: Sendable {
    let prefix: String
    let cleanup: Bool

    /// The replacements of `cleanup`, in HF order.
    private static let cleanupReplacements: [(String, String)] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
        (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ]

    func decode(_ tokens: [String]) -> String {
        var output = ""
        for (index, token) in tokens.enumerated() {
            var piece: String
            if index == 0 {
                piece = token
            } else if !prefix.isEmpty, token.hasPrefix(prefix) {
                piece = String(token.dropFirst(prefix.count))
            } else {
                piece = " " + token
            }
            if cleanup {
                for (dirty, clean) in WordPieceDecoder.cleanupReplacements {
                    piece = piece.replacingAll(dirty, with: clean)
                }
            }
            output += piece
        }
        return output
    }
}

private extension String {
    /// Replaces every non-overlapping occurrence of `target`, comparing UTF-8 bytes (a literal
    /// match, as Rust's `str::replace`), scanning left to right.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let bytes = Array(utf8), pattern = Array(target.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return self }
        var result: [UInt8] = []
        var index = 0
        var replaced = false
        while index < bytes.count {
            if index + pattern.count <= bytes.count, bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.utf8)
                index += pattern.count
                replaced = true
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return replaced ? String(decoding: result, as: UTF8.self) : self
    }
}
