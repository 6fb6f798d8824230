import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels
#if canImport(LorafKernelsVNNI)
import LorafKernelsVNNI
#endif

/// The int8-activation kernels (LorafKernelsVNNI) against their scalar twin `Int8ActivationReference`: the quantized
/// blocks bit for bit, the products to 1e-6 relative to the sum of the |products| (only the float rounding of the
/// scaling differs); and against the exact float product within the rounding bound of the activations.
final class Int8ActivationTests: XCTestCase {
    let formats: [QuantFormat] = [.q4_0, .q4_1, .q8_0]

    func requireVNNI() throws {
        try XCTSkipUnless(CPU.detectedVNNI, "this CPU has no AVX-512 VNNI: the int8-activation kernels cannot run")
    }

    #if canImport(LorafKernelsVNNI)
    func testQuantizedBlocksMatchTwin() throws {
        try requireVNNI()
        var generator = RandomGenerator(seed: 11)
        var x = randomFloats(32 * 9, in: -3...3, using: &generator)
        for j in 32..<64 { x[j] = 0 }                      // an all-zero block
        for j in 64..<96 { x[j] *= 1e-38 }                 // so small that 1/d overflows
        x[100] = .nan                                       // NaN and ±∞ blocks
        x[140] = -.infinity
        for j in 160..<192 { x[j] = Float(j % 5) - 2 }      // ties at x / d = n + ½ are possible
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: VNNIQuant.activationBytes(k: x.count), alignment: 64)
        defer { buffer.deallocate() }
        VNNIQuant.quantize(x, k: x.count, into: buffer)
        for (b, expected) in Int8ActivationReference.quantize(x).enumerated() {
            let block = VNNIQuant.block(buffer, b)
            let got = Int8ActivationReference.Block(scale: block.scale, sum: block.sum, quants: block.quants)
            if expected.scale.isNaN {
                XCTAssertTrue(got.scale.isNaN && got.quants == expected.quants, "block \(b)")
            } else {
                XCTAssertEqual(got, expected, "block \(b)")
            }
        }
    }
    #endif

    /// Odd row counts (partial 4-row tiles), 3 and 18 blocks (partial groups of four), several rows of x, accumulate
    /// on and off, one and two threads.
    func testProductsMatchTwin() throws {
        try requireVNNI()
        for format in formats {
            for (n, k) in [(1, 96), (5, 128), (37, 576), (4, 32)] {
                for m in [1, 3] {
                    for accumulate in [false, true] {
                        for threads in [1, 2] {
                            withKernelSettings(threads: threads, isa: .avx512) {
                                let case_ = "\(format) n \(n) k \(k) m \(m) accumulate \(accumulate) threads \(threads)"
                                checkAgainstTwin(format, m: m, n: n, k: k, accumulate: accumulate, case_)
                            }
                        }
                    }
                }
            }
        }
        // Large enough for the parallel split into several chunks.
        withKernelSettings(threads: 2, isa: .avx512) { checkAgainstTwin(.q4_1, m: 1, n: 1029, k: 576, accumulate: false, "large") }
    }

    /// |int8 − exact| ≤ Σ_p |W[r, p]| · d_x(p) / 2 (each x rounded to within half a step of its block), plus float slack.
    func testStaysWithinTheRoundingBoundOfTheFloatProduct() throws {
        try requireVNNI()
        for format in formats {
            let (m, n, k) = (2, 29, 576)
            var generator = RandomGenerator(seed: 5 &+ UInt64(format.rawValue))
            let x = randomFloats(m * k, in: -2...2, using: &generator)
            let bytes = randomQuantizedBytes(format, rows: n, columns: k, seed: 9)
            bytes.withUnsafeBytes { raw in
                let weight = quantizedMatrix(format, rows: n, columns: k, raw)
                var y = [Float](repeating: 0, count: m * n)
                Kernels.quantizedLinear(x, m: m, weight: weight, into: &y, accumulate: false, activations: .int8)
                var w = [Float](repeating: 0, count: n * k)
                QuantReference.dequantize(format, weight.bytes, count: w.count, &w)
                for i in 0..<m {
                    let scales = Int8ActivationReference.quantize(Array(x[i * k..<(i + 1) * k])).map(\.scale)
                    for r in 0..<n {
                        var exact = 0.0, bound = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            exact += Double(x[i * k + p]) * Double(w[r * k + p])
                            bound += abs(Double(w[r * k + p])) * Double(scales[p / 32]) / 2
                            magnitude += abs(Double(x[i * k + p]) * Double(w[r * k + p]))
                        }
                        let error = abs(Double(y[i * n + r]) - exact)
                        XCTAssertLessThanOrEqual(error, bound * 1.001 + 1e-5 * magnitude, "\(format) row \(i) col \(r)")
                        XCTAssertGreaterThan(error, 0, "\(format): the int8 path should not be exact")
                    }
                }
            }
        }
    }

    /// Without VNNI (none on this CPU, or the ISA forced below avx512), for formats without an int8 kernel and for
    /// m ≥ 8, `.int8` is the float path, bit for bit.
    func testFallsBackToTheFloatPath() {
        for (format, m, isa) in [(QuantFormat.q4_1, 1, ISA.avx2), (.q4_K, 1, .avx512), (.q8_0, 8, .avx512), (.q4_0, 2, .baseline)] {
            withKernelSettings(threads: 1, isa: isa) {
                let (n, k) = (7, testColumns(format))
                XCTAssertEqual(Kernels.hasInt8Kernel(format), CPU.detectedVNNI && CPU.isa == .avx512 && format != .q4_K)
                var generator = RandomGenerator(seed: 3)
                let x = randomFloats(m * k, using: &generator)
                let bytes = randomQuantizedBytes(format, rows: n, columns: k, seed: 4)
                bytes.withUnsafeBytes { raw in
                    let weight = quantizedMatrix(format, rows: n, columns: k, raw)
                    var (float, int8) = ([Float](repeating: 0, count: m * n), [Float](repeating: 0, count: m * n))
                    Kernels.quantizedLinear(x, m: m, weight: weight, into: &float, accumulate: false)
                    Kernels.quantizedLinear(x, m: m, weight: weight, into: &int8, accumulate: false, activations: .int8)
                    XCTAssertEqual(float, int8, "\(format) m \(m) \(isa)")
                }
            }
        }
    }

    // MARK: - Comparison

    func checkAgainstTwin(_ format: QuantFormat, m: Int, n: Int, k: Int, accumulate: Bool, _ case_: String) {
        var generator = RandomGenerator(seed: UInt64(n * 31 + k + m))
        let x = randomFloats(m * k, in: -4...4, using: &generator), start = randomFloats(m * n, using: &generator)
        let bytes = randomQuantizedBytes(format, rows: n, columns: k, seed: UInt64(k))
        bytes.withUnsafeBytes { raw in
            let weight = quantizedMatrix(format, rows: n, columns: k, raw)
            var y = accumulate ? start : [Float](repeating: .nan, count: m * n)
            Kernels.quantizedLinear(x, m: m, weight: weight, into: &y, accumulate: accumulate, activations: .int8)
            for i in 0..<m {
                let blocks = Int8ActivationReference.quantize(Array(x[i * k..<(i + 1) * k]))
                for r in 0..<n {
                    let twin = Int8ActivationReference.dot(format, row: weight.bytes + r * weight.rowBytes, blocks)
                    let expected = twin.value + (accumulate ? Double(start[i * n + r]) : 0)
                    let tolerance = 1e-6 * (twin.magnitude + (accumulate ? abs(Double(start[i * n + r])) : 0)) + 1e-12
                    XCTAssertEqual(Double(y[i * n + r]), expected, accuracy: tolerance, "\(case_) row \(i) col \(r)")
                }
            }
        }
    }
}
