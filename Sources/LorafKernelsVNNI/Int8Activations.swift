// One row of activations quantized to 8 bits per element in blocks of 32 (the idea of ggml's Q8_0/Q8_1
// activation blocks, quantize_row_q8_1 in ggml-quants.c; the layout here is loraf's own).
//
// Layout: groups of four blocks (128 elements), 320 bytes each, the last group padded with zero blocks:
//   bytes   0..<64   low halves:  block j's elements 0..<16 at 16j..<16j+16 (Int8)
//   bytes  64..<128  high halves: block j's elements 16..<32 at 64+16j..<64+16j+16 (Int8)
//   bytes 128..<192  scale lanes: d_j in lanes 4j..<4j+4 (Float)
//   bytes 192..<256  sum lanes:   S_j = Σ q in lanes 4j..<4j+4 (Int32)
//   bytes 256..<320  offset lanes: d_j · S_j / 4 in lanes 4j..<4j+4 (Float)
// A vpdpbusd of the low (high) halves with the matching nibbles of four weight blocks leaves block j's partial
// sums in lanes 4j..<4j+4, so every per-block factor is a lane-wise multiply and the four lanes of a block add up
// to the block's term.
import Swift

/// The int8 activation kernels (AVX-512 VNNI): quantizing a row of x and its dot products with ggml weight rows.
package enum VNNIQuant {
    /// Elements per block and blocks per group of the activation layout.
    package static let blockElements = 32
    static let groupBlocks = 4
    /// Bytes of one group of four blocks.
    static let groupBytes = 320

    /// Bytes that one quantized row of `k` elements (k a multiple of 32) takes.
    package static func activationBytes(k: Int) -> Int { groups(k: k) * groupBytes }

    static func groups(k: Int) -> Int { (k / blockElements + groupBlocks - 1) / groupBlocks }

    /// Quantizes x[0..<k] (k a multiple of 32) into `activations` (`activationBytes(k:)` bytes): per block of 32,
    /// d = max|x| / 127, q = x · (1/d) rounded to nearest (ties to even) and S = Σ q; d = 0 and q = 0 for an
    /// all-zero block (or one so small that 1/d overflows). A block holding NaN or ±∞ gets d = NaN (q = 0), so the
    /// products with it are NaN as on the float path.
    package static func quantize(_ x: UnsafePointer<Float>, k: Int, into activations: UnsafeMutableRawPointer) {
        let blocks = k / blockElements
        activations.initializeMemory(as: UInt8.self, repeating: 0, count: activationBytes(k: k))
        for b in 0..<blocks {
            let group = activations + b / groupBlocks * groupBytes, j = b % groupBlocks
            let (d, sum) = quantizeBlock(x + 32 * b, low: group + 16 * j, high: group + 64 + 16 * j)
            for lane in 4 * j..<4 * j + 4 {
                group.storeBytes(of: d, toByteOffset: 128 + 4 * lane, as: Float.self)
                group.storeBytes(of: sum, toByteOffset: 192 + 4 * lane, as: Int32.self)
                group.storeBytes(of: d * Float(sum) / 4, toByteOffset: 256 + 4 * lane, as: Float.self)
            }
        }
    }

    /// Quantizes the 32 floats at `x`, writing elements 0..<16 to `low` and 16..<32 to `high`; returns (d, S).
    @inline(__always)
    private static func quantizeBlock(_ x: UnsafePointer<Float>, low: UnsafeMutableRawPointer,
                                      high: UnsafeMutableRawPointer) -> (scale: Float, sum: Int32) {
        let (first, second) = (Float32x16.load(x), Float32x16.load(x + 16))
        let largest = first.magnitudeBits.largestUnsigned(with: second.magnitudeBits)
        guard largest < 0x7F80_0000 else { return (.nan, 0) }   // a NaN or ±∞ in the block
        let d = Float(bitPattern: largest) / 127, inverse = 1 / d
        guard d > 0, inverse.isFinite else { return (0, 0) }
        let scale = Float32x16(SIMD16<Float>(repeating: inverse))
        let (q0, q1) = ((first * scale).roundedToInt32, (second * scale).roundedToInt32)
        low.storeBytes(of: narrowedToBytes(q0), as: SIMD16<Int8>.self)
        high.storeBytes(of: narrowedToBytes(q1), as: SIMD16<Int8>.self)
        return (d, (q0 &+ q1).wrappingSum)
    }

    /// Block `b` of a quantized row: its scale d, its sum S and its 32 quants in element order (for tests and
    /// scalar references).
    package static func block(_ activations: UnsafeRawPointer, _ b: Int) -> (scale: Float, sum: Int32, quants: [Int8]) {
        let group = activations + b / groupBlocks * groupBytes, j = b % groupBlocks
        let quants = (0..<blockElements).map { e in
            group.load(fromByteOffset: (e < 16 ? 16 * j + e : 64 + 16 * j + e - 16), as: Int8.self)
        }
        return (group.load(fromByteOffset: 128 + 16 * j, as: Float.self),
                group.load(fromByteOffset: 192 + 16 * j, as: Int32.self), quants)
    }
}

/// The group's vectors, loaded once and shared by the weight rows of a tile.
struct ActivationGroup {
    let low: Int32x16, high: Int32x16, scales: Float32x16, sums: Int32x16, offsets: Float32x16

    @inline(__always)
    init(_ group: UnsafeRawPointer) {
        low = Int32x16.load(group)
        high = Int32x16.load(group + 64)
        scales = Float32x16.load(group + 128)
        sums = Int32x16.load(group + 192)
        offsets = Float32x16.load(group + 256)
    }

    /// Σ of the weight bytes times this group's quants, four products per lane: `low` against the first 16 quants
    /// of each block, `high` against the last 16 (two vpdpbusd; the weight bytes unsigned, the quants signed).
    @inline(__always)
    func dot(low weightLow: Int32x16, high weightHigh: Int32x16) -> Int32x16 {
        Int32x16(SIMD16<Int32>()).dotBytes(weightLow, low).dotBytes(weightHigh, high)
    }
}
