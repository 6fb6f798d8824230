/// Greedy longest-match-first WordPiece (Schuster & Nakajima 2012, as used by BERT and by
/// HF `tokenizers`' `WordPiece` model) over a vocabulary of token strings.
struct WordPieceModel: Sendable {
    /// Token string of every id (index = id).
    let tokens: [String]
    /// Token id of every token string.
    let ids: [String: Int]
    let unknownId: Int
    let continuingSubwordPrefix: String
    /// Words longer than this many Unicode scalars become the unknown token.
    let maxInputCharsPerWord: Int
    /// All vocabulary entries, for the first piece of a word.
    private let wordStarts: ScalarTrie
    /// Entries that begin with the prefix, with the prefix removed, for the following pieces.
    private let continuations: ScalarTrie

    /// Builds the model. `tokens[id]` is the token of `id`; `ids` maps each token string to its id.
    init(tokens: [String], ids: [String: Int], unknownId: Int,
         continuingSubwordPrefix: String, maxInputCharsPerWord: Int) {
        self.tokens = tokens
        self.ids = ids
        self.unknownId = unknownId
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        let totalScalars = tokens.reduce(0) { $0 + $1.unicodeScalars.count }
        var starts = ScalarTrie(scalarCapacity: totalScalars)
        var continuing = ScalarTrie(scalarCapacity: totalScalars / 4)
        let prefixScalars = Array(continuingSubwordPrefix.unicodeScalars)
        for (token, id) in ids.sorted(by: { $0.value < $1.value }) {
            let scalars = token.unicodeScalars.map(\.value)
            starts.insert(scalars, id: Int32(id))
            if !prefixScalars.isEmpty, token.unicodeScalars.starts(with: prefixScalars) {
                continuing.insert(scalars.dropFirst(prefixScalars.count), id: Int32(id))
            }
        }
        wordStarts = starts
        continuations = continuing
    }

    /// Splits the word `scalars[word]` into pieces, appending each piece's id and scalar range.
    /// A word that is too long, or that has a part no entry matches, becomes one unknown token.
    func appendPieces(of scalars: [UInt32], word: Range<Int>,
                      ids pieceIds: inout [Int], ranges: inout [Range<Int>]) {
        let firstPiece = pieceIds.count
        if word.count <= maxInputCharsPerWord {
            var start = word.lowerBound
            while start < word.upperBound {
                let trie = start == word.lowerBound ? wordStarts : continuations
                guard let match = trie.longestPrefix(of: scalars, in: start..<word.upperBound) else { break }
                pieceIds.append(Int(match.id))
                ranges.append(start..<(start + match.length))
                start += match.length
            }
            if start == word.upperBound { return }
        }
        pieceIds.removeSubrange(firstPiece...)
        ranges.removeSubrange(firstPiece...)
        pieceIds.append(unknownId)
        ranges.append(word)
    }
}
