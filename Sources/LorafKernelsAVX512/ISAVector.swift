// LorafKernelsAVX512: the shared kernels compiled with -mavx512f -mavx512vl -mfma (see docs/kernels.md).
import LorafKernelsAVX512Builtins

/// SGEMM kernels for AVX-512F: 16-float zmm vectors, micro-tile 6×32.
package enum AVX512GEMM {}

typealias ISAGEMM = AVX512GEMM
typealias Vec = SIMD16<Float>

/// acc += a · b as one fused multiply-add (vfmadd231ps zmm with this module's flags).
@inline(__always)
func madd(_ acc: inout Vec, _ a: Float, _ b: Vec) { acc.addProduct(a, b) }

/// Fused-kernel bodies (GELU, softmax, layer norm) for AVX-512F: 16-float zmm vectors.
package enum AVX512Fused {}

typealias ISAFused = AVX512Fused
typealias Lanes = SIMD16<Float>
typealias LaneBits = SIMD16<UInt32>
typealias LaneInts = SIMD16<Int32>

/// a·b + c as one fused multiply-add (vfmadd zmm).
@inline(__always)
func mulAdd(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { c.addingProduct(a, b) }

/// Quantized-block kernels (ggml formats) for AVX-512F: 16-float zmm vectors.
package enum AVX512Quant {}

typealias ISAQuant = AVX512Quant
typealias LaneBytes = SIMD16<UInt8>

/// The low and high nibbles of each lane (a byte value) as exact floats: each looked up in 0, 1, ..., 15 with one
/// vpermps, which reads only the low four bits of an index (no mask, no int → float conversion).
@inline(__always)
func nibbleFloats(_ bytes: LaneInts) -> (low: Lanes, high: Lanes) {
    let values = Lanes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    return (permuteLanes(values, bytes), permuteLanes(values, shiftRight4(bytes)))
}
