import XCTest
@testable import LorafKernels

final class FusedKernelTests: XCTestCase {
    /// Shapes with tails (cols not a multiple of 8) and one big enough to run in parallel chunks.
    let shapes = [(1, 1), (3, 7), (5, 33), (4, 384), (300, 515)]

    func compare(_ name: String, tolerance: Float, count: Int, seed: UInt64,
                 _ run: (_ inputs: [[Float]], _ output: inout [Float], _ reference: Bool) -> Void, inputs: Int) {
        var generator = SeededGenerator(state: seed)
        let data = (0..<inputs).map { _ in randomFloats(count, in: -6...6, using: &generator) }
        var slow = [Float](repeating: .nan, count: count)
        run(data, &slow, true)
        for isa in runnableISAs {
            var fast = [Float](repeating: .nan, count: count)
            withKernelSettings(threads: 2, isa: isa) { run(data, &fast, false) }
            XCTAssertLessThan(maxAbsDifference(fast, slow), tolerance, "\(name) \(isa)")
            XCTAssertFalse(fast.contains { $0.isNaN }, "\(name) \(isa)")
        }
    }

    func testSoftmaxAndBackward() {
        for (rows, cols) in shapes {
            compare("softmax \(rows)×\(cols)", tolerance: 1e-6, count: rows * cols, seed: 1, { d, out, ref in
                ref ? Kernels.softmaxRowsReference(d[0], &out, rows: rows, cols: cols)
                    : Kernels.softmaxRows(d[0], &out, rows: rows, cols: cols)
            }, inputs: 1)
            compare("softmax backward \(rows)×\(cols)", tolerance: 1e-5, count: rows * cols, seed: 2, { d, out, ref in
                var y = [Float](repeating: 0, count: rows * cols)
                Kernels.softmaxRowsReference(d[0], &y, rows: rows, cols: cols)
                ref ? Kernels.softmaxRowsBackwardReference(y: y, dy: d[1], dx: &out, rows: rows, cols: cols)
                    : Kernels.softmaxRowsBackward(y: y, dy: d[1], dx: &out, rows: rows, cols: cols)
            }, inputs: 2)
        }
    }

    func testLogSoftmaxAndBackward() {
        for (rows, cols) in shapes {
            compare("log-softmax \(rows)×\(cols)", tolerance: 2e-6, count: rows * cols, seed: 3, { d, out, ref in
                ref ? Kernels.logSoftmaxRowsReference(d[0], &out, rows: rows, cols: cols)
                    : Kernels.logSoftmaxRows(d[0], &out, rows: rows, cols: cols)
            }, inputs: 1)
            compare("log-softmax backward \(rows)×\(cols)", tolerance: 1e-5, count: rows * cols, seed: 4, { d, out, ref in
                var y = [Float](repeating: 0, count: rows * cols)
                Kernels.logSoftmaxRowsReference(d[0], &y, rows: rows, cols: cols)
                ref ? Kernels.logSoftmaxRowsBackwardReference(y: y, dy: d[1], dx: &out, rows: rows, cols: cols)
                    : Kernels.logSoftmaxRowsBackward(y: y, dy: d[1], dx: &out, rows: rows, cols: cols)
            }, inputs: 2)
        }
    }

    func testLayerNormForwardAndBackwardWithAndWithoutAffine() {
        for (rows, cols) in shapes where cols > 1 {
            var generator = SeededGenerator(state: UInt64(rows * 1000 + cols))
            let x = randomFloats(rows * cols, in: -3...3, using: &generator)
            let dy = randomFloats(rows * cols, using: &generator)
            let gamma = randomFloats(cols, in: 0.5...1.5, using: &generator)
            let beta = randomFloats(cols, using: &generator)
            for affine in [true, false] { for isa in runnableISAs {
                var (y, yRef) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows * cols))
                var (mean, rstd) = ([Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows))
                var (meanRef, rstdRef) = (mean, rstd)
                gamma.withUnsafeBufferPointer { g in
                    beta.withUnsafeBufferPointer { b in
                        let (gp, bp) = affine ? (g.baseAddress, b.baseAddress) : (nil, nil)
                        withKernelSettings(threads: 2, isa: isa) {
                            Kernels.layerNormForward(x: x, gamma: gp, beta: bp, y: &y, mean: &mean, rstd: &rstd,
                                                     rows: rows, cols: cols, eps: 1e-12)
                        }
                        Kernels.layerNormForwardReference(x: x, gamma: gp, beta: bp, y: &yRef, mean: &meanRef, rstd: &rstdRef,
                                                          rows: rows, cols: cols, eps: 1e-12)
                    }
                }
                XCTAssertLessThan(maxAbsDifference(y, yRef), 1e-5, "layerNorm \(rows)×\(cols) affine \(affine) \(isa)")
                XCTAssertLessThan(maxAbsDifference(rstd, rstdRef), 1e-5 * (rstdRef.max() ?? 1))

                var (dx, dxRef) = ([Float](repeating: .nan, count: rows * cols), [Float](repeating: .nan, count: rows * cols))
                var (dgamma, dbeta) = ([Float](repeating: 0.25, count: cols), [Float](repeating: -0.5, count: cols))
                var (dgammaRef, dbetaRef) = (dgamma, dbeta)
                gamma.withUnsafeBufferPointer { g in
                    let gp = affine ? g.baseAddress : nil
                    withKernelSettings(threads: 2, isa: isa) {
                        Kernels.layerNormBackward(dy: dy, x: x, mean: meanRef, rstd: rstdRef, gamma: gp, dx: &dx,
                                                  dgamma: &dgamma, dbeta: &dbeta, rows: rows, cols: cols)
                    }
                    Kernels.layerNormBackwardReference(dy: dy, x: x, mean: meanRef, rstd: rstdRef, gamma: gp, dx: &dxRef,
                                                       dgamma: &dgammaRef, dbeta: &dbetaRef, rows: rows, cols: cols)
                }
                let scale = max(1, dxRef.reduce(0) { max($0, abs($1)) })
                XCTAssertLessThan(maxAbsDifference(dx, dxRef) / scale, 1e-5, "layerNorm backward \(rows)×\(cols) affine \(affine) \(isa)")
                XCTAssertLessThan(maxAbsDifference(dgamma, dgammaRef), 1e-4 * Float(rows))
                XCTAssertLessThan(maxAbsDifference(dbeta, dbetaRef), 1e-4 * Float(rows))
            } }
        }
    }

    func testLayerNormBackwardWithoutParameterGradients() {
        let (rows, cols) = (3, 10)
        var generator = SeededGenerator(state: 11)
        let x = randomFloats(rows * cols, using: &generator), dy = randomFloats(rows * cols, using: &generator)
        var (y, mean, rstd) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows))
        Kernels.layerNormForward(x: x, gamma: nil, beta: nil, y: &y, mean: &mean, rstd: &rstd, rows: rows, cols: cols, eps: 1e-5)
        var (dx, dxRef) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows * cols))
        Kernels.layerNormBackward(dy: dy, x: x, mean: mean, rstd: rstd, gamma: nil, dx: &dx, dgamma: nil, dbeta: nil, rows: rows, cols: cols)
        Kernels.layerNormBackwardReference(dy: dy, x: x, mean: mean, rstd: rstd, gamma: nil, dx: &dxRef, dgamma: nil, dbeta: nil,
                                           rows: rows, cols: cols)
        XCTAssertLessThan(maxAbsDifference(dx, dxRef), 1e-5)
    }

    func testGELUForwardAndBackward() {
        for count in [1, 7, 8, 1000, 70_001] {
            compare("gelu erf \(count)", tolerance: 1e-6, count: count, seed: 5, { d, out, ref in
                ref ? Kernels.geluErfForwardReference(d[0], &out, count: count) : Kernels.geluErfForward(d[0], &out, count: count)
            }, inputs: 1)
            compare("gelu erf backward \(count)", tolerance: 1e-6, count: count, seed: 6, { d, out, ref in
                ref ? Kernels.geluErfBackwardReference(x: d[0], dy: d[1], dx: &out, count: count)
                    : Kernels.geluErfBackward(x: d[0], dy: d[1], dx: &out, count: count)
            }, inputs: 2)
            compare("gelu tanh \(count)", tolerance: 2e-6, count: count, seed: 7, { d, out, ref in
                ref ? Kernels.geluTanhForwardReference(d[0], &out, count: count) : Kernels.geluTanhForward(d[0], &out, count: count)
            }, inputs: 1)
            compare("gelu tanh backward \(count)", tolerance: 5e-6, count: count, seed: 8, { d, out, ref in
                ref ? Kernels.geluTanhBackwardReference(x: d[0], dy: d[1], dx: &out, count: count)
                    : Kernels.geluTanhBackward(x: d[0], dy: d[1], dx: &out, count: count)
            }, inputs: 2)
        }
    }

    func testBiasGELU() {
        for (rows, cols) in shapes {
            var generator = SeededGenerator(state: 9)
            let bias = randomFloats(cols, using: &generator)
            compare("bias gelu \(rows)×\(cols)", tolerance: 1e-6, count: rows * cols, seed: 10, { d, out, ref in
                ref ? Kernels.biasGeluErfForwardReference(x: d[0], bias: bias, y: &out, rows: rows, cols: cols)
                    : Kernels.biasGeluErfForward(x: d[0], bias: bias, y: &out, rows: rows, cols: cols)
            }, inputs: 1)
        }
    }
}
