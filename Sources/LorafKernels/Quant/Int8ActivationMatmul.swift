#if canImport(LorafKernelsVNNI)
import LorafKernelsVNNI
#endif

/// How `Kernels.quantizedLinear` treats the rows of x on its small-m path.
public enum ActivationPrecision: Sendable, CustomStringConvertible {
    /// x stays Float32: y is the exact product with W's dequantized values up to float summation order.
    case float
    /// Each row of x is quantized to int8 blocks of 32 (d = max|x|/127 per block, q = round(x/d)), and the blocks'
    /// integer dot products with W's quants are scaled in float (ggml's Q8 activation blocks; docs/kernels.md). Only
    /// where `Kernels.hasInt8Kernel` holds and x has fewer than 8 rows; elsewhere the call falls back to `.float`.
    /// The result differs from `.float` by the activation rounding: |Δy| ≤ Σ_blocks (d_x/2)·Σ|w| per output.
    case int8

    public var description: String { self == .float ? "float" : "int8" }
}

extension Kernels {
    /// True when `quantizedLinear(..., activations: .int8)` takes the int8 path for `format` on this CPU: Q4_0, Q4_1
    /// and Q8_0 with AVX-512 VNNI available and enabled (`CPU.hasVNNI`).
    public static func hasInt8Kernel(_ format: QuantFormat) -> Bool {
        #if canImport(LorafKernelsVNNI)
        return CPU.hasVNNI && VNNIQuant.supports(typeID: format.rawValue)
        #else
        return false
        #endif
    }

    /// The int8 path of `quantizedLinear`: quantizes the m rows of x once, then splits W's rows over the threads
    /// like the float path. False (nothing written) when the path does not apply.
    static func int8Linear(_ x: UnsafePointer<Float>, m: Int, weight: QuantizedMatrix, into y: UnsafeMutablePointer<Float>,
                           accumulate: Bool) -> Bool {
        #if canImport(LorafKernelsVNNI)
        let (n, k) = (weight.rows, weight.columns)
        guard m < directQuantRowLimit, k > 0, hasInt8Kernel(weight.format) else { return false }
        let rowBytes = VNNIQuant.activationBytes(k: k)
        let activations = UnsafeMutableRawPointer(KernelThreadState.current.int8Activations.floats(m * rowBytes / 4))
        for i in 0..<m { VNNIQuant.quantize(x + i * k, k: k, into: activations + i * rowBytes) }
        let typeID = weight.format.rawValue
        splitDirectRows(m: m, n: n, k: k) { rows in
            VNNIQuant.linear(typeID: typeID, activations: activations, m: m, k: k, weights: weight.bytes,
                             rowBytes: weight.rowBytes, rows: rows, y: y, ldy: n, accumulate: accumulate)
        }
        return true
        #else
        return false
        #endif
    }
}
