/// Byte-level BPE on one pre-tokenized word: the word's bytes become their alphabet tokens, then
/// the adjacent pair with the lowest merge rank is merged (leftmost first on a tie) until no rule
/// applies, as HF `tokenizers`' BPE and llama.cpp's `llm_tokenizer_bpe` do. Results are cached
/// per word.
struct BytePairModel: Sendable {
    let merges: BytePairMerges
    /// The token of each byte's alphabet character, -1 when the vocabulary lacks it.
    let byteTokenIds: [Int32]
    /// With `ignoreMerges` (Llama 3), a word that is itself a token is that token.
    let ignoreMerges: Bool
    let tokenIds: [String: Int]
    /// Stands for a byte without a token; without one such a byte is dropped (as HF and llama.cpp do).
    let unknownId: Int?
    private let cache = WordCache()

    init(merges: BytePairMerges, tokenIds: [String: Int], ignoreMerges: Bool, unknownId: Int?) {
        self.merges = merges
        self.tokenIds = tokenIds
        self.ignoreMerges = ignoreMerges
        self.unknownId = unknownId
        byteTokenIds = ByteLevelAlphabet.characterOfByte.map { scalar in
            tokenIds[String(scalar)].map { Int32($0) } ?? -1
        }
    }

    /// Appends the ids of the word `bytes` to `ids`.
    func appendIds(ofWord bytes: [UInt8], to ids: inout [Int]) {
        for id in cache.ids(of: bytes, compute: mergedIds) { ids.append(Int(id)) }
    }

    private func mergedIds(_ bytes: [UInt8]) -> [Int32] {
        if ignoreMerges, let id = tokenIds[ByteLevelAlphabet.spelling(of: bytes)] { return [Int32(id)] }
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count)
        for byte in bytes {
            let id = byteTokenIds[Int(byte)]
            if id >= 0 {
                symbols.append(id)
            } else if let unknownId {
                symbols.append(Int32(unknownId))
            }
        }
        return applyMerges(to: symbols)
    }

    /// The merge loop over a doubly linked list of symbols with a heap of candidate pairs keyed
    /// (rank, left position); an entry whose pair has changed since it was pushed is skipped.
    private func applyMerges(to initial: [Int32]) -> [Int32] {
        var symbols = initial
        let count = symbols.count
        guard count > 1 else { return symbols }
        var next = Array(1...count)
        var previous = Array(-1..<(count - 1))
        var heap = BinaryHeap<UInt64>()
        func pushPair(at left: Int) {
            guard left >= 0, next[left] < count,
                  let rule = merges.rule(symbols[left], symbols[next[left]]) else { return }
            heap.push(UInt64(rule.rank) << 32 | UInt64(left))
        }
        for left in 0..<(count - 1) { pushPair(at: left) }
        while let top = heap.pop() {
            let left = Int(top & 0xFFFF_FFFF)
            guard symbols[left] >= 0, next[left] < count else { continue }
            let right = next[left]
            guard let rule = merges.rule(symbols[left], symbols[right]), UInt64(rule.rank) == top >> 32 else { continue }
            symbols[left] = rule.merged
            symbols[right] = -1
            next[left] = next[right]
            if next[right] < count { previous[next[right]] = left }
            pushPair(at: previous[left])
            pushPair(at: left)
        }
        return symbols.filter { $0 >= 0 }
    }
}
