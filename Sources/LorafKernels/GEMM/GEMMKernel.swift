#if canImport(LorafKernelsAVX2)
import LorafKernelsAVX2
#endif
#if canImport(LorafKernelsAVX512)
import LorafKernelsAVX512
#endif

/// The micro-kernel set of one ISA with its tile and its cache blocking.
struct GEMMKernel {
    /// Micro-tile rows and columns.
    let mr: Int
    let nr: Int
    /// Depth blocks, chunk sizes and the in-place rule for op(A)ᵀ, from the tile and the caches.
    let blocking: GEMMBlocking
    /// C[mc×nc] = alpha · A · packedB + beta · C, A packed or read in place (see `ISAGEMM.macroKernel`).
    let macroKernel: (_ mc: Int, _ nc: Int, _ kc: Int, _ a: UnsafePointer<Float>, _ aRowStride: Int, _ aDepthStride: Int,
                      _ packedB: UnsafePointer<Float>,
                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ alpha: Float, _ beta: Float) -> Void

    private init(mr: Int, nr: Int, cache: CacheInfo, macroKernel: @escaping (Int, Int, Int, UnsafePointer<Float>, Int, Int,
                 UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Float, Float) -> Void) {
        (self.mr, self.nr, self.macroKernel) = (mr, nr, macroKernel)
        blocking = GEMMBlocking(mr: mr, nr: nr, cache: cache)
    }

    /// The kernel set for `CPU.isa` on this machine's caches.
    static var current: GEMMKernel { onThisMachine[CPU.isa.rawValue] }

    /// One kernel set per ISA (by raw value), blocked for `CacheInfo.current`: made once, not per call.
    private static let onThisMachine = ISA.allCases.map { forISA($0) }

    /// The kernel set of `isa`, blocked for `cache` (tests give other machines' caches).
    static func forISA(_ isa: ISA, cache: CacheInfo = .current) -> GEMMKernel {
        switch isa {
        #if canImport(LorafKernelsAVX512)
        case .avx512:
            return GEMMKernel(mr: AVX512GEMM.mr, nr: AVX512GEMM.nr, cache: cache, macroKernel: AVX512GEMM.macroKernel)
        #endif
        #if canImport(LorafKernelsAVX2)
        case .avx2:
            return GEMMKernel(mr: AVX2GEMM.mr, nr: AVX2GEMM.nr, cache: cache, macroKernel: AVX2GEMM.macroKernel)
        #endif
        default:
            return GEMMKernel(mr: BaselineGEMM.mr, nr: BaselineGEMM.nr, cache: cache, macroKernel: BaselineGEMM.macroKernel)
        }
    }
}
