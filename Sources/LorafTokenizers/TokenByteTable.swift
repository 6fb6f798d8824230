/// The bytes each token stands for in decoded text, in one flat array (a few bytes per token,
/// so no array per token). Built once when a tokenizer is loaded; decoding concatenates rows.
struct TokenByteTable: Sendable {
    private let bytes: [UInt8]
    /// `offsets[id]..<offsets[id + 1]` are the bytes of `id`.
    private let offsets: [Int32]

    init(_ bytesOfToken: [[UInt8]]) {
        var flat: [UInt8] = []
        flat.reserveCapacity(bytesOfToken.reduce(0) { $0 + $1.count })
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(bytesOfToken.count + 1)
        for row in bytesOfToken {
            flat.append(contentsOf: row)
            offsets.append(Int32(flat.count))
        }
        self.bytes = flat
        self.offsets = offsets
    }

    var count: Int { offsets.count - 1 }

    /// The bytes of `id` (which must be in `0..<count`).
    func bytes(of id: Int) -> ArraySlice<UInt8> {
        bytes[Int(offsets[id])..<Int(offsets[id + 1])]
    }

    /// The concatenated bytes of `ids`, leaving out those `skip` accepts.
    /// - Throws: `TokenizerError.invalidArgument` naming the first id outside `0..<count`.
    func decode(_ ids: [Int], skip: (Int) -> Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(ids.count * 4)
        for (position, id) in ids.enumerated() {
            guard id >= 0, id < count else {
                throw TokenizerError.invalidArgument(
                    name: "ids", reason: "id \(id) at position \(position) is outside 0..<\(count)")
            }
            if skip(id) { continue }
            output.append(contentsOf: bytes(of: id))
        }
        return output
    }
}
