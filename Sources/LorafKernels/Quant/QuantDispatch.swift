#if canImport(LorafKernelsAVX2)
import LorafKernelsAVX2
#endif
#if canImport(LorafKernelsAVX512)
import LorafKernelsAVX512
#endif

/// The serial quantized-block bodies one ISA module provides (QuantBodies.swift, compiled per ISA).
protocol QuantKernelSet {
    static func dequantize(typeID: Int, _ blocks: UnsafeRawPointer, count: Int, _ output: UnsafeMutablePointer<Float>)
    static func linear(typeID: Int, x: UnsafePointer<Float>, m: Int, k: Int, weights: UnsafeRawPointer, rowBytes: Int,
                       rows: Range<Int>, y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool)
}

extension BaselineQuant: QuantKernelSet {}
#if canImport(LorafKernelsAVX2)
extension AVX2Quant: QuantKernelSet {}
#endif
#if canImport(LorafKernelsAVX512)
extension AVX512Quant: QuantKernelSet {}
#endif

extension Kernels {
    /// The quantized-block bodies for `CPU.isa`.
    static var quant: any QuantKernelSet.Type {
        switch CPU.isa {
        #if canImport(LorafKernelsAVX512)
        case .avx512: return AVX512Quant.self
        #endif
        #if canImport(LorafKernelsAVX2)
        case .avx2: return AVX2Quant.self
        #endif
        default: return BaselineQuant.self
        }
    }
}

extension QuantFormat {
    /// True for the block-quantized formats (Q4_0 ... Q6_K), which have direct small-m kernels; false for F32, F16
    /// and BF16.
    public var isBlockQuantized: Bool { blockElements > 1 }
}
