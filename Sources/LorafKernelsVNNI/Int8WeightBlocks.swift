// The ggml weight formats the int8 kernel reads (layouts in ggml-common.h; docs/kernels.md), four consecutive
// blocks at a time against one activation group (Int8Activations.swift). Each adds its four block terms, spread
// over 16 float lanes (four per block), to an accumulator:
//   Q4_0 (w = d·(q − 8)):  d_w·d_x·(Σ q·q_x − 8·S_x)
//   Q4_1 (w = d·q + m):    d_w·d_x·Σ q·q_x + m_w·d_x·S_x
//   Q8_0 (w = d·q):        d_w·d_x·Σ q·q_x, with q + 128 as the unsigned operand and 128·S_x taken off
// The integer sums are exact; the float part rounds d_w·d_x, the int → float conversion (exact) and the FMAs.
import Swift

/// One weight format as the int8 kernel sees it.
protocol Int8WeightBlock {
    /// Bytes per block of 32 weights.
    static var bytes: Int { get }
    /// acc + the terms of the blocks at p0 ... p3 with activation group `x`, block j in lanes 4j..<4j+4.
    static func accumulate(_ acc: Float32x16, _ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer,
                           _ p3: UnsafeRawPointer, _ x: ActivationGroup) -> Float32x16
}

/// The 32-bit words at the start of four blocks (for ggml's leading fp16 d, or d and m).
@inline(__always)
private func leadingWords(_ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer,
                          _ p3: UnsafeRawPointer) -> SIMD4<UInt32> {
    SIMD4(p0.loadUnaligned(as: UInt32.self), p1.loadUnaligned(as: UInt32.self),
          p2.loadUnaligned(as: UInt32.self), p3.loadUnaligned(as: UInt32.self))
}

/// Lanes 4j..<4j+4 take element 2j + `half` of the eight halves (d_j for half 0, m_j for half 1).
/// (Computed, so that the constant folds into the shuffle instead of a lazily initialised global.)
private var firstHalves: SIMD16<Int32> { SIMD16(0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4, 6, 6, 6, 6) }
private var secondHalves: SIMD16<Int32> { SIMD16(1, 1, 1, 1, 3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 7) }

/// The four blocks' low nibbles and high nibbles (16 bytes of quants from `offset` in each block).
@inline(__always)
private func nibbles(_ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer, _ p3: UnsafeRawPointer,
                     offset: Int) -> (low: Int32x16, high: Int32x16) {
    let bytes = Int32x16.load(p0 + offset, p1 + offset, p2 + offset, p3 + offset), mask = Int32x16(repeating: 0x0F0F_0F0F)
    return (bytes & mask, (bytes &>> 4) & mask)
}

enum Q4_0Weights: Int8WeightBlock {
    static var bytes: Int { 18 }
    @inline(__always)
    static func accumulate(_ acc: Float32x16, _ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer,
                           _ p3: UnsafeRawPointer, _ x: ActivationGroup) -> Float32x16 {
        let q = nibbles(p0, p1, p2, p3, offset: 2)
        // Four lanes per block, so 2·S_x per lane takes off 8·S_x per block.
        let dot = x.dot(low: q.low, high: q.high) &- (x.sums &<< 1)
        let d = Float32x16.halves(leadingWords(p0, p1, p2, p3)).permuted(firstHalves)
        return acc.addingProduct(dot.floats, d * x.scales)
    }
}

enum Q4_1Weights: Int8WeightBlock {
    static var bytes: Int { 20 }
    @inline(__always)
    static func accumulate(_ acc: Float32x16, _ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer,
                           _ p3: UnsafeRawPointer, _ x: ActivationGroup) -> Float32x16 {
        let q = nibbles(p0, p1, p2, p3, offset: 4)
        let dot = x.dot(low: q.low, high: q.high)
        let halves = Float32x16.halves(leadingWords(p0, p1, p2, p3))
        let (d, m) = (halves.permuted(firstHalves), halves.permuted(secondHalves))
        return acc.addingProduct(dot.floats, d * x.scales).addingProduct(m, x.offsets)
    }
}

enum Q8_0Weights: Int8WeightBlock {
    static var bytes: Int { 34 }
    @inline(__always)
    static func accumulate(_ acc: Float32x16, _ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer,
                           _ p3: UnsafeRawPointer, _ x: ActivationGroup) -> Float32x16 {
        // Flipping the sign bit makes q + 128 (unsigned); four lanes per block, so 32·S_x per lane takes 128·S_x off.
        let flip = Int32x16(repeating: 0x8080_8080)
        let low = Int32x16.load(p0 + 2, p1 + 2, p2 + 2, p3 + 2) ^ flip
        let high = Int32x16.load(p0 + 18, p1 + 18, p2 + 18, p3 + 18) ^ flip
        let dot = x.dot(low: low, high: high) &- (x.sums &<< 5)
        let d = Float32x16.halves(leadingWords(p0, p1, p2, p3)).permuted(firstHalves)
        return acc.addingProduct(dot.floats, d * x.scales)
    }
}
