import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels

/// The quantized kernels against the scalar twin: W dequantized by `QuantReference`, then `sgemmReference` (Double
/// sums). The kernels round differently (the direct path factors the 32-element blocks' scales out of the sums;
/// the rest only sums in another order): errors stay below 2e-5 relative to the largest |reference| entry.
final class QuantizedMatmulTests: XCTestCase {
    /// Rows of x: the direct path (1, 3, 5: one partial 4-row tile, 7) and the SGEMM path (8, 13).
    let inputRows = [1, 3, 5, 7, 8, 13]
    let tolerance: Float = 2e-5

    func testForwardEveryFormatISAThreadCountAndAccumulate() {
        for format in allQuantFormats {
            let (n, k) = (37, testColumns(format))
            for isa in runnableISAs {
                for threads in [1, 2] {
                    withKernelSettings(threads: threads, isa: isa) {
                        for m in inputRows {
                            for accumulate in [false, true] {
                                let error = forwardError(format, m: m, n: n, k: k, accumulate: accumulate, seed: UInt64(m))
                                XCTAssertLessThan(error, tolerance, "\(format) \(isa) threads \(threads) m \(m) acc \(accumulate)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testInputGradientEveryFormatISAThreadCountAndAccumulate() {
        for format in allQuantFormats {
            let (n, k) = (37, testColumns(format))
            for isa in runnableISAs {
                for threads in [1, 2] {
                    withKernelSettings(threads: threads, isa: isa) {
                        for m in [1, 5, 13] {
                            for accumulate in [false, true] {
                                let error = gradientError(format, m: m, n: n, k: k, accumulate: accumulate, seed: UInt64(m))
                                XCTAssertLessThan(error, tolerance, "\(format) \(isa) threads \(threads) m \(m) acc \(accumulate)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Large enough for the parallel split of the direct path and several SGEMM panels (quantPanelFloats is 128 Ki).
    func testLargeShapesSplitAcrossThreadsAndPanels() {
        withKernelSettings(threads: 2, isa: CPU.detectedISA) {
            XCTAssertLessThan(forwardError(.q4_1, m: 1, n: 1029, k: 576, accumulate: false, seed: 1), tolerance)
            XCTAssertLessThan(forwardError(.q8_0, m: 2, n: 1030, k: 576, accumulate: true, seed: 2), tolerance)
            XCTAssertLessThan(forwardError(.q6_K, m: 9, n: 2100, k: 512, accumulate: false, seed: 3), tolerance)
            XCTAssertLessThan(gradientError(.q4_K, m: 3, n: 2100, k: 512, accumulate: true, seed: 4), tolerance)
        }
    }

    /// The input gradient dequantizes W straight into the SGEMM's packed panels: the result is `sgemm` on the
    /// dequantized W bit for bit, across several row panels and kc blocks, on every ISA (F16's one-element blocks
    /// give a partial last panel).
    func testInputGradientEqualsSGEMMOnTheDequantizedWeight() {
        for (format, n, k) in [(QuantFormat.q4_1, 1100, 224), (.q8_0, 600, 96), (.f16, 700, 50)] {
            let bytes = randomQuantizedBytes(format, rows: n, columns: k, seed: 11)
            bytes.withUnsafeBytes { raw in
                let weight = quantizedMatrix(format, rows: n, columns: k, raw)
                var w = [Float](repeating: 0, count: n * k)
                Kernels.dequantize(weight, rows: 0..<n, into: &w)
                for isa in runnableISAs {
                    withKernelSettings(threads: 2, isa: isa) {
                        var generator = RandomGenerator(seed: 5)
                        let m = 9, dy = randomFloats(m * n, using: &generator)
                        var dx = [Float](repeating: .nan, count: m * k), expected = dx
                        Kernels.quantizedLinearInputGradient(dy, m: m, weight: weight, into: &dx, accumulate: false)
                        Kernels.sgemm(transA: false, transB: false, m: m, n: k, k: n, alpha: 1, a: dy, lda: n, b: w,
                                      ldb: k, beta: 0, c: &expected, ldc: k)
                        XCTAssertEqual(dx.map(\.bitPattern), expected.map(\.bitPattern), "\(format) \(isa)")
                    }
                }
            }
        }
    }

    /// The 32-element formats factor each block (d·Σ q·x + (m − zeroPoint·d)·Σ x, QuantScaledLinear.swift): inputs
    /// far from zero (x in 3...5, so Σ x per block is large and the offset term cancels much of d·Σ q·x for Q4_0 and
    /// Q5_0) and rows of 48 blocks stay within the tolerance, for m = 1 and m > 1 (a partial tile) on every ISA.
    func testFactoredBlocksWithOffsetInputsAndLongRows() {
        for format in [QuantFormat.q4_0, .q4_1, .q5_0, .q5_1, .q8_0] {
            for isa in runnableISAs {
                withKernelSettings(threads: 1, isa: isa) {
                    for m in [1, 6] {
                        let error = forwardError(format, m: m, n: 39, k: 1536, accumulate: false, seed: 9, xRange: 3...5)
                        XCTAssertLessThan(error, tolerance, "\(format) \(isa) m \(m)")
                    }
                }
            }
        }
    }

    func testEmptySizes() {
        let bytes = randomQuantizedBytes(.q4_0, rows: 2, columns: 0, seed: 1)
        bytes.withUnsafeBytes { raw in
            let empty = quantizedMatrix(.q4_0, rows: 2, columns: 0, raw)
            var y: [Float] = [5, 6, 7, 8]
            Kernels.quantizedLinear([], m: 2, weight: empty, into: &y, accumulate: true)
            XCTAssertEqual(y, [5, 6, 7, 8])
            Kernels.quantizedLinear([], m: 2, weight: empty, into: &y, accumulate: false)
            XCTAssertEqual(y, [0, 0, 0, 0])
            var dx: [Float] = [1]
            Kernels.quantizedLinearInputGradient(y, m: 2, weight: empty, into: &dx, accumulate: false)
            XCTAssertEqual(dx, [1])   // k == 0: nothing to write
        }
    }

    // MARK: - Comparisons

    /// max |quantizedLinear − reference| / max(1, max |reference|) for random x (entries in `xRange`), W and y.
    func forwardError(_ format: QuantFormat, m: Int, n: Int, k: Int, accumulate: Bool, seed: UInt64,
                      xRange: ClosedRange<Float> = -1...1) -> Float {
        var generator = RandomGenerator(seed: seed &+ 1000 * UInt64(format.rawValue))
        let x = randomFloats(m * k, in: xRange, using: &generator)
        let start = randomFloats(m * n, using: &generator)
        let bytes = randomQuantizedBytes(format, rows: n, columns: k, seed: seed)
        return bytes.withUnsafeBytes { raw in
            let weight = quantizedMatrix(format, rows: n, columns: k, raw)
            var y = accumulate ? start : [Float](repeating: .nan, count: m * n)
            Kernels.quantizedLinear(x, m: m, weight: weight, into: &y, accumulate: accumulate)
            var expected = start
            let w = twinFloats(weight)
            Kernels.sgemmReference(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: w, ldb: k,
                                   beta: accumulate ? 1 : 0, c: &expected, ldc: n)
            return relativeError(y, expected)
        }
    }

    /// max |quantizedLinearInputGradient − reference| / max(1, max |reference|).
    func gradientError(_ format: QuantFormat, m: Int, n: Int, k: Int, accumulate: Bool, seed: UInt64) -> Float {
        var generator = RandomGenerator(seed: seed &+ 2000 * UInt64(format.rawValue))
        let dy = randomFloats(m * n, using: &generator)
        let start = randomFloats(m * k, using: &generator)
        let bytes = randomQuantizedBytes(format, rows: n, columns: k, seed: seed &+ 7)
        return bytes.withUnsafeBytes { raw in
            let weight = quantizedMatrix(format, rows: n, columns: k, raw)
            var dx = accumulate ? start : [Float](repeating: .nan, count: m * k)
            Kernels.quantizedLinearInputGradient(dy, m: m, weight: weight, into: &dx, accumulate: accumulate)
            var expected = start
            let w = twinFloats(weight)
            Kernels.sgemmReference(transA: false, transB: false, m: m, n: k, k: n, alpha: 1, a: dy, lda: n, b: w, ldb: k,
                                   beta: accumulate ? 1 : 0, c: &expected, ldc: k)
            return relativeError(dx, expected)
        }
    }

    /// W [rows × columns] as floats, from the scalar twin.
    func twinFloats(_ weight: QuantizedMatrix) -> [Float] {
        var w = [Float](repeating: 0, count: weight.rows * weight.columns)
        QuantReference.dequantize(weight.format, weight.bytes, count: w.count, &w)
        return w
    }

    func relativeError(_ values: [Float], _ expected: [Float]) -> Float {
        let scale = max(1, expected.reduce(0) { max($0, abs($1)) })
        if values.contains(where: \.isNaN) { return .infinity }
        return maxAbsDifference(values, expected) / scale
    }
}
