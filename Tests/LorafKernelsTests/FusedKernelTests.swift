import Foundation
import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels

final class FusedKernelTests: XCTestCase {
    /// Shapes with tails (cols not a multiple of 8) and one big enough to run in parallel chunks.
    let shapes = [(1, 1), (3, 7), (5, 33), (4, 384), (300, 515)]

    func compare(_ name: String, tolerance: Float, count: Int, seed: UInt64,
                 _ run: (_ inputs: [[Float]], _ output: inout [Float], _ reference: Bool) -> Void, inputs: Int) {
        var generator = RandomGenerator(seed: seed)
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

    typealias RowKernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void
    typealias RowBackwardKernel = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void

    /// A row-wise kernel and its backward (y, dy → dx) against their references on every shape; the backward
    /// gets the reference forward's y.
    func compareRowKernel(_ name: String, seeds: (forward: UInt64, backward: UInt64), tolerances: (forward: Float, backward: Float),
                          _ forward: RowKernel, reference: RowKernel, backward: RowBackwardKernel, backwardReference: RowBackwardKernel) {
        for (rows, cols) in shapes {
            compare("\(name) \(rows)×\(cols)", tolerance: tolerances.forward, count: rows * cols, seed: seeds.forward, { d, out, ref in
                (ref ? reference : forward)(d[0], &out, rows, cols)
            }, inputs: 1)
            compare("\(name) backward \(rows)×\(cols)", tolerance: tolerances.backward, count: rows * cols, seed: seeds.backward, { d, out, ref in
                var y = [Float](repeating: 0, count: rows * cols)
                reference(d[0], &y, rows, cols)
                (ref ? backwardReference : backward)(y, d[1], &out, rows, cols)
            }, inputs: 2)
        }
    }

    func testSoftmaxAndBackward() {
        compareRowKernel("softmax", seeds: (1, 2), tolerances: (1e-6, 1e-5), Kernels.softmaxRows, reference: Kernels.softmaxRowsReference,
                         backward: Kernels.softmaxRowsBackward, backwardReference: Kernels.softmaxRowsBackwardReference)
    }

    func testLogSoftmaxAndBackward() {
        compareRowKernel("log-softmax", seeds: (3, 4), tolerances: (2e-6, 1e-5), Kernels.logSoftmaxRows,
                         reference: Kernels.logSoftmaxRowsReference, backward: Kernels.logSoftmaxRowsBackward,
                         backwardReference: Kernels.logSoftmaxRowsBackwardReference)
    }

    func testLayerNormForwardAndBackwardWithAndWithoutAffine() {
        for (rows, cols) in shapes where cols > 1 {
            var generator = RandomGenerator(seed: UInt64(rows * 1000 + cols))
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

    /// RMSNorm (`centered: false`) and SwiGLU on every ISA the machine runs, against Double references of their formulas.
    func testRMSNormAndSwiGLUOnEveryISA() {
        let (rows, cols) = (7, 45)
        var generator = RandomGenerator(seed: 21)
        let x = randomFloats(rows * cols, in: -3...3, using: &generator), dy = randomFloats(rows * cols, using: &generator)
        let gamma = randomFloats(cols, in: 0.5...1.5, using: &generator)
        var (yRef, dxRef, dgammaRef) = ([Double](repeating: 0, count: rows * cols), [Double](repeating: 0, count: rows * cols),
                                        [Double](repeating: 0, count: cols))
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x[r * cols + $0]) }
            let inv = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(cols) + 1e-6).squareRoot()
            let g = (0..<cols).map { Double(dy[r * cols + $0]) * Double(gamma[$0]) }
            let gxMean = (0..<cols).reduce(0) { $0 + g[$1] * row[$1] * inv } / Double(cols)
            for j in 0..<cols {
                yRef[r * cols + j] = row[j] * inv * Double(gamma[j])
                dxRef[r * cols + j] = inv * (g[j] - row[j] * inv * gxMean)
                dgammaRef[j] += Double(dy[r * cols + j]) * row[j] * inv
            }
        }
        let up = randomFloats(rows * cols, using: &generator)
        func sigmoid(_ v: Float) -> Double { 1 / (1 + Foundation.exp(-Double(v))) }
        let swigluRef = (0..<(rows * cols)).map { Double(x[$0]) * sigmoid(x[$0]) * Double(up[$0]) }
        let dGateRef = (0..<(rows * cols)).map { i -> Double in
            let s = sigmoid(x[i])
            return Double(dy[i]) * Double(up[i]) * s * (1 + Double(x[i]) * (1 - s))
        }
        let dUpRef = (0..<(rows * cols)).map { Double(dy[$0]) * Double(x[$0]) * sigmoid(x[$0]) }
        func worst(_ a: [Float], _ b: [Double]) -> Double { zip(a, b).reduce(0) { max($0, abs(Double($1.0) - $1.1)) } }
        for isa in runnableISAs {
            var (y, mean, rstd) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 1, count: rows), [Float](repeating: 0, count: rows))
            var (dx, dgamma) = ([Float](repeating: .nan, count: rows * cols), [Float](repeating: 0, count: cols))
            var (swiglu, dGate, dUp) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows * cols),
                                        [Float](repeating: 0, count: rows * cols))
            withKernelSettings(threads: 2, isa: isa) {
                Kernels.layerNormForward(x: x, gamma: gamma, beta: nil, y: &y, mean: &mean, rstd: &rstd, rows: rows, cols: cols,
                                         eps: 1e-6, centered: false)
                Kernels.layerNormBackward(dy: dy, x: x, mean: mean, rstd: rstd, gamma: gamma, dx: &dx, dgamma: &dgamma, dbeta: nil,
                                          rows: rows, cols: cols, centered: false)
                Kernels.swigluForward(gate: x, up: up, y: &swiglu, count: rows * cols)
                Kernels.swigluBackward(gate: x, up: up, dy: dy, dgate: &dGate, dup: &dUp, count: rows * cols)
            }
            XCTAssertEqual(mean, [Float](repeating: 0, count: rows), "rms mean \(isa)")
            XCTAssertLessThan(worst(y, yRef), 1e-5, "rms forward \(isa)")
            XCTAssertLessThan(worst(dx, dxRef), 1e-5, "rms backward \(isa)")
            XCTAssertLessThan(worst(dgamma, dgammaRef), 1e-4, "rms dgamma \(isa)")
            XCTAssertLessThan(worst(swiglu, swigluRef), 1e-5, "swiglu forward \(isa)")
            XCTAssertLessThan(worst(dGate, dGateRef), 1e-5, "swiglu dgate \(isa)")
            XCTAssertLessThan(worst(dUp, dUpRef), 1e-5, "swiglu dup \(isa)")
        }
    }

    func testLayerNormBackwardWithoutParameterGradients() {
        let (rows, cols) = (3, 10)
        var generator = RandomGenerator(seed: 11)
        let x = randomFloats(rows * cols, using: &generator), dy = randomFloats(rows * cols, using: &generator)
        var (y, mean, rstd) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows))
        Kernels.layerNormForward(x: x, gamma: nil, beta: nil, y: &y, mean: &mean, rstd: &rstd, rows: rows, cols: cols, eps: 1e-5)
        var (dx, dxRef) = ([Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows * cols))
        Kernels.layerNormBackward(dy: dy, x: x, mean: mean, rstd: rstd, gamma: nil, dx: &dx, dgamma: nil, dbeta: nil, rows: rows, cols: cols)
        Kernels.layerNormBackwardReference(dy: dy, x: x, mean: mean, rstd: rstd, gamma: nil, dx: &dxRef, dgamma: nil, dbeta: nil,
                                           rows: rows, cols: cols)
        XCTAssertLessThan(maxAbsDifference(dx, dxRef), 1e-5)
    }

    typealias ElementKernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    typealias ElementBackwardKernel = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

    func testGELUForwardAndBackward() {
        let variants: [(name: String, seeds: (forward: UInt64, backward: UInt64), tolerances: (forward: Float, backward: Float),
                        forward: ElementKernel, reference: ElementKernel,
                        backward: ElementBackwardKernel, backwardReference: ElementBackwardKernel)] = [
            ("gelu erf", (5, 6), (1e-6, 1e-6), Kernels.geluErfForward, Kernels.geluErfForwardReference,
             geluErfBackwardThroughDerivative, Kernels.geluErfBackwardReference),
            ("gelu tanh", (7, 8), (2e-6, 5e-6), Kernels.geluTanhForward, Kernels.geluTanhForwardReference,
             Kernels.geluTanhBackward, Kernels.geluTanhBackwardReference),
        ]
        for count in [1, 7, 8, 1000, 70_001] {
            for v in variants {
                compare("\(v.name) \(count)", tolerance: v.tolerances.forward, count: count, seed: v.seeds.forward, { d, out, ref in
                    (ref ? v.reference : v.forward)(d[0], &out, count)
                }, inputs: 1)
                compare("\(v.name) backward \(count)", tolerance: v.tolerances.backward, count: count, seed: v.seeds.backward, { d, out, ref in
                    (ref ? v.backwardReference : v.backward)(d[0], d[1], &out, count)
                }, inputs: 2)
            }
        }
    }

    /// dx = dy ⊙ derivative, the derivative from `geluErfForwardAndDerivative` (whose y must equal
    /// `geluErfForward`'s bit for bit).
    func geluErfBackwardThroughDerivative(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                          _ dx: UnsafeMutablePointer<Float>, _ count: Int) {
        var (y, plainY, derivative) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count),
                                       [Float](repeating: 0, count: count))
        Kernels.geluErfForwardAndDerivative(x, &y, derivative: &derivative, count: count)
        Kernels.geluErfForward(x, &plainY, count: count)
        XCTAssertEqual(y.map(\.bitPattern), plainY.map(\.bitPattern), "gelu y with and without the derivative")
        Kernels.multiply(dy, derivative, dx, count: count)
    }

    func testBiasGELU() {
        for (rows, cols) in shapes {
            var generator = RandomGenerator(seed: 9)
            let bias = randomFloats(cols, using: &generator)
            compare("bias gelu \(rows)×\(cols)", tolerance: 1e-6, count: rows * cols, seed: 10, { d, out, ref in
                ref ? Kernels.biasGeluErfForwardReference(x: d[0], bias: bias, y: &out, rows: rows, cols: cols)
                    : Kernels.biasGeluErfForward(x: d[0], bias: bias, y: &out, rows: rows, cols: cols)
            }, inputs: 1)
        }
    }
}
