/// A trie over Unicode scalar values that answers "longest vocabulary entry starting here"
/// without building any string: the edges live in one open-addressing hash table keyed by
/// (node, scalar), so a lookup is a multiply, a shift and usually one probe.
struct ScalarTrie: Sendable {
    private static let emptySlot: UInt64 = .max
    private static let noToken: Int32 = -1

    private var edgeKeys: [UInt64]
    private var edgeTargets: [Int32]
    private var nodeTokens: [Int32] = [ScalarTrie.noToken]
    private let hashShift: UInt64

    /// Makes an empty trie sized for about `scalarCapacity` inserted scalars in total.
    init(scalarCapacity: Int) {
        var slots = 16
        while slots < scalarCapacity * 2 { slots <<= 1 }
        edgeKeys = Array(repeating: ScalarTrie.emptySlot, count: slots)
        edgeTargets = Array(repeating: 0, count: slots)
        hashShift = UInt64(64 - slots.trailingZeroBitCount)
    }

    @inline(__always)
    private static func edgeKey(node: Int32, scalar: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 32 | UInt64(scalar)
    }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> hashShift)
    }

    @inline(__always)
    private func child(of node: Int32, scalar: UInt32) -> Int32? {
        let key = ScalarTrie.edgeKey(node: node, scalar: scalar)
        let mask = edgeKeys.count - 1
        var index = slot(for: key)
        while true {
            let stored = edgeKeys[index]
            if stored == key { return edgeTargets[index] }
            if stored == ScalarTrie.emptySlot { return nil }
            index = (index + 1) & mask
        }
    }

    /// Inserts `scalars` with token id `id`; a later insert of the same key replaces the id.
    mutating func insert<S: Sequence>(_ scalars: S, id: Int32) where S.Element == UInt32 {
        var node: Int32 = 0
        for value in scalars {
            if let next = child(of: node, scalar: value) {
                node = next
                continue
            }
            let next = Int32(nodeTokens.count)
            nodeTokens.append(ScalarTrie.noToken)
            addEdge(ScalarTrie.edgeKey(node: node, scalar: value), target: next)
            node = next
        }
        nodeTokens[Int(node)] = id
    }

    private mutating func addEdge(_ key: UInt64, target: Int32) {
        let used = nodeTokens.count
        if used * 2 > edgeKeys.count { grow() }
        let mask = edgeKeys.count - 1
        var index = slot(for: key)
        while edgeKeys[index] != ScalarTrie.emptySlot { index = (index + 1) & mask }
        edgeKeys[index] = key
        edgeTargets[index] = target
    }

    private mutating func grow() {
        var larger = ScalarTrie(scalarCapacity: edgeKeys.count)
        larger.nodeTokens = nodeTokens
        for (key, target) in zip(edgeKeys, edgeTargets) where key != ScalarTrie.emptySlot {
            let mask = larger.edgeKeys.count - 1
            var index = larger.slot(for: key)
            while larger.edgeKeys[index] != ScalarTrie.emptySlot { index = (index + 1) & mask }
            larger.edgeKeys[index] = key
            larger.edgeTargets[index] = target
        }
        self = larger
    }

    /// The longest entry that is a prefix of `scalars[range]`: its length in scalars and its id.
    @inline(__always)
    func longestPrefix(of scalars: [UInt32], in range: Range<Int>) -> (length: Int, id: Int32)? {
        var node: Int32 = 0
        var best: (length: Int, id: Int32)? = nil
        for index in range {
            guard let next = child(of: node, scalar: scalars[index]) else { break }
            node = next
            let id = nodeTokens[Int(node)]
            if id != ScalarTrie.noToken { best = (index - range.lowerBound + 1, id) }
        }
        return best
    }
}
