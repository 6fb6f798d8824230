// The baseline (SSE2) instantiation of the shared quantized-block files (QuantBlocks.swift, QuantKBlocks.swift,
// QuantBodies.swift), with the fused kernels' `Lanes` (SIMD8<Float>, two xmm registers).

/// Quantized-block kernels for the x86-64 baseline: 8-float vectors, multiply + add (no FMA).
package enum BaselineQuant {}

typealias ISAQuant = BaselineQuant
typealias LaneBytes = SIMD8<UInt8>

/// The low and high nibbles of each lane as exact floats (mask, shift, convert).
@inline(__always)
func nibbleFloats(_ bytes: LaneInts) -> (low: Lanes, high: Lanes) { convertedNibbles(bytes) }
