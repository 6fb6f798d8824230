// The baseline (SSE2) instantiation of the shared GEMMMicroKernel.swift.

/// SGEMM kernels for the x86-64 baseline: 4-float xmm vectors, micro-tile 6×8, no FMA
/// (multiply then add; a fused `addProduct` would become a call to fmaf without FMA hardware).
package enum BaselineGEMM {}

typealias ISAGEMM = BaselineGEMM
typealias Vec = SIMD4<Float>

/// acc += a · b (separate multiply and add).
@inline(__always)
func madd(_ acc: inout Vec, _ a: Float, _ b: Vec) { acc += Vec(repeating: a) * b }
