/// The id <-> token tables of a vocabulary, checked to be dense (ids 0..<count, each once).
struct VocabularyTable {
    var tokens: [String]
    var ids: [String: Int]

    /// Builds the tables from a token -> id map (tokenizer.json `model.vocab`).
    /// Throws `malformedField` naming `field` when ids are negative, repeated or leave gaps.
    init(tokenToId: [String: Int], path: String, field: String) throws {
        var tokens = [String?](repeating: nil, count: tokenToId.count)
        for (token, id) in tokenToId {
            guard id >= 0, id < tokenToId.count else {
                throw TokenizerError.malformedField(
                    path: path, field: field,
                    reason: "id \(id) of token '\(token)' is outside 0..<\(tokenToId.count) (ids must be dense)")
            }
            if let other = tokens[id] {
                throw TokenizerError.malformedField(
                    path: path, field: field, reason: "id \(id) is used by both '\(other)' and '\(token)'")
            }
            tokens[id] = token
        }
        self.tokens = tokens.map { $0 ?? "" }
        self.ids = tokenToId
    }

    /// Builds the tables from tokens in id order (vocab.txt); for a repeated token the last id wins.
    init(orderedTokens: [String]) {
        tokens = orderedTokens
        ids = [:]
        ids.reserveCapacity(orderedTokens.count)
        for (id, token) in orderedTokens.enumerated() { ids[token] = id }
    }

    /// The id of `token`; throws `malformedField` naming `field` when the vocabulary lacks it.
    func requireId(of token: String, path: String, field: String) throws -> Int {
        guard let id = ids[token] else {
            throw TokenizerError.malformedField(path: path, field: field,
                                                reason: "token '\(token)' is not in the vocabulary")
        }
        return id
    }

    /// Registers an added token: it must either already have `id`, or take the next free id.
    mutating func addToken(_ content: String, id: Int, path: String, field: String) throws {
        if id < tokens.count, id >= 0 {
            guard tokens[id] == content else {
                throw TokenizerError.malformedField(
                    path: path, field: field,
                    reason: "id \(id) is '\(tokens[id])' in the vocabulary, not '\(content)'")
            }
        } else if id == tokens.count {
            tokens.append(content)
            ids[content] = id
        } else {
            throw TokenizerError.malformedField(
                path: path, field: field,
                reason: "id \(id) of '\(content)' leaves a gap after the vocabulary (size \(tokens.count))")
        }
    }
}
