/// llama.cpp's SPM tokenizer (`llm_tokenizer_spm`, after SentencePiece's BPE model) on one text
/// whose spaces are already `▁`: the text starts as one symbol per Unicode scalar; the adjacent
/// pair whose concatenation is a vocabulary entry with the highest score is merged (leftmost
/// first on a tie) until no pair is an entry; a final symbol that is not an entry (a character
/// outside the vocabulary) becomes its UTF-8 bytes as `<0xXX>` byte tokens.
struct SentencePieceEncoder: Sendable {
    /// Every vocabulary entry by its scalars, for exact lookups of scalar ranges.
    let entries: ScalarTrie
    let scores: [Float]
    /// The token of each byte (`<0xXX>`, else the one-character token), -1 when none.
    let byteTokenIds: [Int32]
    let unknownId: Int?

    private struct Candidate: Comparable {
        let score: Float
        let left: Int
        let length: Int
        /// Higher score first, then the leftmost pair.
        static func < (a: Candidate, b: Candidate) -> Bool {
            a.score > b.score || (a.score == b.score && a.left < b.left)
        }
    }

    /// The id of exactly `scalars[range]`, if it is an entry.
    private func entry(_ scalars: [UInt32], _ range: Range<Int>) -> Int32? {
        guard let match = entries.longestPrefix(of: scalars, in: range), match.length == range.count else { return nil }
        return match.id
    }

    /// Appends the ids of `scalars` to `ids`.
    func appendIds(of scalars: [UInt32], to ids: inout [Int]) {
        let count = scalars.count
        guard count > 0 else { return }
        var start = Array(0..<count), length = Array(repeating: 1, count: count)
        var next = Array(1...count), previous = Array(-1..<(count - 1))
        var heap = BinaryHeap<Candidate>()
        func pushPair(at left: Int) {
            guard left >= 0, next[left] < count else { return }
            let right = next[left], range = start[left]..<(start[right] + length[right])
            guard let id = entry(scalars, range) else { return }
            heap.push(Candidate(score: scores[Int(id)], left: left, length: range.count))
        }
        for left in 0..<(count - 1) { pushPair(at: left) }
        while let top = heap.pop() {
            let left = top.left
            guard length[left] > 0, next[left] < count else { continue }
            let right = next[left]
            guard length[right] > 0, length[left] + length[right] == top.length else { continue }
            length[left] += length[right]
            length[right] = 0
            next[left] = next[right]
            if next[right] < count { previous[next[right]] = left }
            pushPair(at: previous[left])
            pushPair(at: left)
        }
        var symbol = 0
        while symbol < count {
            appendSymbol(scalars, start[symbol]..<(start[symbol] + length[symbol]), to: &ids)
            symbol = next[symbol]
        }
    }

    private func appendSymbol(_ scalars: [UInt32], _ range: Range<Int>, to ids: inout [Int]) {
        if let id = entry(scalars, range) {
            ids.append(Int(id))
            return
        }
        for value in scalars[range] {
            guard let scalar = Unicode.Scalar(value) else { continue }
            UTF8.encode(scalar) { byte in
                let id = byteTokenIds[Int(byte)]
                if id >= 0 {
                    ids.append(Int(id))
                } else if let unknownId {
                    ids.append(unknownId)
                }
            }
        }
    }
}
