import Foundation
import LorafKernels

/// A layer that keeps bf16 panels of a frozen weight once a bf16 pass made them (``Linear``, ``QuantizedLinear``):
/// back in fp32 they are dead weight, and ``releaseBF16Panels()`` drops them (made again by the next bf16 pass).
public protocol BF16PanelHolder: AnyObject {
    /// Bytes of bf16 panels held now (0 when none).
    var bf16PanelBytes: Int { get }
    func releaseBF16Panels()
}

/// The number format frozen linear layers compute in (`compute_dtype` in Lua, `TrainingConfig.computeDType`).
///
/// - `fp32`: everything in Float32 (the default).
/// - `bf16`: a frozen linear layer (``Linear`` whose weight does not require a gradient, every ``QuantizedLinear``)
///   rounds its input and its weight to bfloat16 and multiplies them with the AVX512_BF16 kernel
///   (`Kernels.bf16gemm`, sums in Float32), forward and input gradient. Its weight is packed once at the first such
///   pass and kept (4 bytes per weight). Trainable weights (LoRA A/B, a classifier trained in full), biases, norms,
///   activations between layers, gradients and optimiser state stay Float32. On a CPU without AVX512_BF16 it is
///   fp32 (``effective`` logs that once).
public enum ComputeDType: String, Sendable, CaseIterable {
    case fp32
    case bf16

    /// What runs on this CPU: `bf16` only where `Kernels.hasBF16Kernel`; asking for bf16 without it gives fp32 and
    /// prints one notice to standard error (once per process).
    public var effective: ComputeDType {
        guard self == .bf16, !Kernels.hasBF16Kernel else { return self }
        if !ComputeDType.noticeLogged {
            ComputeDType.noticeLogged = true
            FileHandle.standardError.write(Data("loraf: compute_dtype = \"bf16\" needs AVX512_BF16, which this CPU lacks (or LORAF_ISA is below avx512): computing in fp32\n".utf8))
        }
        return .fp32
    }

    nonisolated(unsafe) private static var noticeLogged = false
}
