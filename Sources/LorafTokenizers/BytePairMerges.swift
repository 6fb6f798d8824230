/// The ranked merge rules of a BPE vocabulary, by token id: the pair (left, right) -> its rank
/// (position in the merges list, lower merges first) and the id of the merged token.
struct BytePairMerges: Sendable {
    private let rules: [UInt64: UInt64]

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Resolves `pairs` (in rank order) against the vocabulary.
    /// - Throws: `TokenizerError.malformedField` naming `field[index]` when a part, or the merged
    ///   token, is not in the vocabulary. A repeated pair keeps its first (best) rank, as HF does.
    init(pairs: [(left: String, right: String)], tokenIds: [String: Int], path: String, field: String) throws {
        var rules: [UInt64: UInt64] = [:]
        rules.reserveCapacity(pairs.count)
        for (rank, pair) in pairs.enumerated() {
            func id(of token: String) throws -> Int32 {
                guard let id = tokenIds[token] else {
                    throw TokenizerError.malformedField(
                        path: path, field: "\(field)[\(rank)]",
                        reason: "merge '\(pair.left) \(pair.right)' names '\(token)', which is not in the vocabulary")
                }
                return Int32(id)
            }
            let key = Self.key(try id(of: pair.left), try id(of: pair.right))
            let merged = try id(of: pair.left + pair.right)
            if rules[key] == nil { rules[key] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged)) }
        }
        self.rules = rules
    }

    /// Rank and merged id of the pair, or `nil` when no rule merges it.
    @inline(__always)
    func rule(_ left: Int32, _ right: Int32) -> (rank: UInt32, merged: Int32)? {
        guard let value = rules[Self.key(left, right)] else { return nil }
        return (UInt32(value >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: value)))
    }

    /// Splits a GGUF merge string (`"Ġ t"`) at its first space after the first character, as
    /// llama.cpp does (so a merge whose left part is a space character still splits right).
    /// - Throws: `malformedField` naming `field[index]` when there is no such space.
    static func splitGGUFMerge(_ merge: String, path: String, field: String) throws -> (left: String, right: String) {
        let characters = Array(merge.unicodeScalars)
        guard characters.count >= 3, let space = characters[1...].firstIndex(of: " ") else {
            throw TokenizerError.malformedField(path: path, field: field,
                                                reason: "merge '\(merge)' is not two tokens separated by a space")
        }
        var left = String.UnicodeScalarView(), right = String.UnicodeScalarView()
        left.append(contentsOf: characters[..<space])
        right.append(contentsOf: characters[(space + 1)...])
        return (String(left), String(right))
    }
}
