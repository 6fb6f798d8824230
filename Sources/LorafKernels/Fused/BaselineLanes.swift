// The baseline (SSE2) instantiation of the shared fused-kernel files (Lanes.swift, VectorMath.swift,
// FusedBodies.swift).

/// Fused-kernel bodies for the x86-64 baseline: 8-float vectors (two xmm registers), no FMA.
package enum BaselineFused {}

typealias ISAFused = BaselineFused
typealias Lanes = SIMD8<Float>
typealias LaneBits = SIMD8<UInt32>
typealias LaneInts = SIMD8<Int32>

/// a·b + c with a separate multiply and add (a fused `addingProduct` would call fmaf lane by lane without FMA).
@inline(__always)
func mulAdd(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { a * b + c }
