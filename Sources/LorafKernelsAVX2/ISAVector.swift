// LorafKernelsAVX2: the shared kernels compiled with -mavx2 -mfma (see docs/kernels.md).

/// SGEMM kernels for AVX2 + FMA3: 8-float ymm vectors, micro-tile 6×16.
package enum AVX2GEMM {}

typealias ISAGEMM = AVX2GEMM
typealias Vec = SIMD8<Float>

/// acc += a · b as one fused multiply-add (vfmadd231ps ymm with this module's flags).
@inline(__always)
func madd(_ acc: inout Vec, _ a: Float, _ b: Vec) { acc.addProduct(a, b) }

/// Fused-kernel bodies (GELU, softmax, layer norm) for AVX2 + FMA3: 8-float ymm vectors.
package enum AVX2Fused {}

typealias ISAFused = AVX2Fused
typealias Lanes = SIMD8<Float>
typealias LaneBits = SIMD8<UInt32>
typealias LaneInts = SIMD8<Int32>

/// a·b + c as one fused multiply-add (vfmadd ymm).
@inline(__always)
func mulAdd(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { c.addingProduct(a, b) }

/// Quantized-block kernels (ggml formats) for AVX2 + FMA3 (+ F16C for the block scales): 8-float ymm vectors.
package enum AVX2Quant {}

typealias ISAQuant = AVX2Quant
typealias LaneBytes = SIMD8<UInt8>

/// The low and high nibbles of each lane as exact floats (mask, shift, convert).
@inline(__always)
func nibbleFloats(_ bytes: LaneInts) -> (low: Lanes, high: Lanes) { convertedNibbles(bytes) }
