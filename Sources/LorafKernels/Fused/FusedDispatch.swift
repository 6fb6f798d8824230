#if canImport(LorafKernelsAVX2)
import LorafKernelsAVX2
#endif
#if canImport(LorafKernelsAVX512)
import LorafKernelsAVX512
#endif

/// The serial fused-kernel bodies one ISA module provides (FusedBodies.swift, compiled per ISA).
protocol FusedKernelSet {
    static func geluErfForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
    static func geluErfForwardAndDerivative(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                            derivative: UnsafeMutablePointer<Float>, count: Int)
    static func swigluForward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int)
    static func swigluBackward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                               dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, count: Int)
    static func geluTanhForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
    static func geluTanhBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int)
    static func biasGeluErfRows(x: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                rows: Range<Int>, cols: Int)
    static func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int)
    static func softmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                    rows: Range<Int>, cols: Int)
    static func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int)
    static func logSoftmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                       rows: Range<Int>, cols: Int)
    static func layerNormRows(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                              y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                              rstd: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int, eps: Float, centered: Bool)
    static func layerNormParameterGradients(dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                            mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                            dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?,
                                            rows: Int, cols: Int, span: Range<Int>)
    static func layerNormBackwardRows(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                      rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                      dx: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int, centered: Bool)
    static func addRun(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
    static func multiplyRun(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
    static func scaleShiftRun(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, scale: Float, shift: Float)
    static func dropoutRun(_ x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                           count: Int, lanes: inout (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>),
                           threshold: UInt32, scale: Float)
    static func attendOneQuery(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                               length: Int, headDim: Int, scale: Float, mask: UnsafePointer<Float>,
                               scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>)
}

extension BaselineFused: FusedKernelSet {}
#if canImport(LorafKernelsAVX2)
extension AVX2Fused: FusedKernelSet {}
#endif
#if canImport(LorafKernelsAVX512)
extension AVX512Fused: FusedKernelSet {}
#endif

extension Kernels {
    /// The fused-kernel bodies for `CPU.isa`.
    static var fused: any FusedKernelSet.Type {
        switch CPU.isa {
        #if canImport(LorafKernelsAVX512)
        case .avx512: return AVX512Fused.self
        #endif
        #if canImport(LorafKernelsAVX2)
        case .avx2: return AVX2Fused.self
        #endif
        default: return BaselineFused.self
        }
    }
}
