#if canImport(LorafKernelsAVX2)
import LorafKernelsAVX2
#endif
#if canImport(LorafKernelsAVX512)
import LorafKernelsAVX512
#endif

/// The micro-kernel set of one ISA with its tile and cache-block sizes.
struct GEMMKernel {
    /// Micro-tile rows and columns.
    let mr: Int
    let nr: Int
    /// Depth of one cache block (packed panels hold at most `kc` steps).
    let kc = 256
    /// Rows of C per cache block / per parallel chunk (a multiple of `mr`).
    let mc: Int
    /// C[mc×nc] = alpha · A · packedB + beta · C, A packed or read in place (see `ISAGEMM.macroKernel`).
    let macroKernel: (_ mc: Int, _ nc: Int, _ kc: Int, _ a: UnsafePointer<Float>, _ aRowStride: Int, _ aDepthStride: Int,
                      _ packedB: UnsafePointer<Float>,
                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ alpha: Float, _ beta: Float) -> Void

    /// The kernel set for `CPU.isa`.
    static var current: GEMMKernel { forISA(CPU.isa) }

    static func forISA(_ isa: ISA) -> GEMMKernel {
        switch isa {
        #if canImport(LorafKernelsAVX512)
        case .avx512:
            return GEMMKernel(mr: AVX512GEMM.mr, nr: AVX512GEMM.nr, mc: 16 * AVX512GEMM.mr,
                              macroKernel: AVX512GEMM.macroKernel)
        #endif
        #if canImport(LorafKernelsAVX2)
        case .avx2:
            return GEMMKernel(mr: AVX2GEMM.mr, nr: AVX2GEMM.nr, mc: 16 * AVX2GEMM.mr, macroKernel: AVX2GEMM.macroKernel)
        #endif
        default:
            return GEMMKernel(mr: BaselineGEMM.mr, nr: BaselineGEMM.nr, mc: 16 * BaselineGEMM.mr,
                              macroKernel: BaselineGEMM.macroKernel)
        }
    }
}
