// LorafKernelsAVX2: the shared kernels compiled with -mavx2 -mfma (see docs/kernels.md).

/// SGEMM kernels for AVX2 + FMA3: 8-float ymm vectors, micro-tile 6×16.
package enum AVX2GEMM {}

typealias ISAGEMM = AVX2GEMM
typealias Vec = SIMD8<Float>

/// acc += a · b as one fused multiply-add (vfmadd231ps ymm with this module's flags).
@inline(__always)
func madd(_ acc: inout Vec, _ a: Float, _ b: Vec) { acc.addProduct(a, b) }
