import XCTest
import LorafTestSupport
@testable import LorafTensor

/// Every differentiable op against central finite differences, on shapes with size-1, odd and broadcast axes.
final class GradientTests: XCTestCase {
    func testBinaryOpsWithBroadcasting() {
        let cases: [([Int], [Int])] = [([7, 33], [7, 33]), ([7, 33], [33]), ([7, 1], [1, 33]), ([3, 1, 5], [4, 1]), ([1], [2, 3]), ([2, 3], [])]
        for (i, (sa, sb)) in cases.enumerated() {
            let a = randomTensor(sa, seed: UInt64(10 + i)), b = randomTensor(sb, seed: UInt64(20 + i), low: 0.5, high: 2)
            assertGradients([a, b]) { try $0[0] + $0[1] }
            assertGradients([a, b]) { try $0[0] - $0[1] }
            assertGradients([a, b]) { try $0[0] * $0[1] }
            assertGradients([a, b]) { try $0[0] / $0[1] }
        }
    }

    func testUnaryOps() {
        let x = randomTensor([7, 33], seed: 1, low: -3, high: 3)
        let positive = randomTensor([1, 7], seed: 2, low: 0.5, high: 3)
        assertGradients([x]) { $0[0].exp() }
        assertGradients([x]) { $0[0].tanh() }
        assertGradients([x]) { $0[0].silu() }
        assertGradients([x]) { $0[0].sigmoid() }
        assertGradients([x]) { $0[0].gelu() }
        assertGradients([x]) { $0[0].geluTanh() }
        assertGradients([x]) { $0[0] * 3 + 1 }
        assertGradients([positive]) { $0[0].log() }
        assertGradients([positive]) { $0[0].sqrt() }
        assertGradients([positive]) { $0[0].pow(1.5) }
        // relu away from its kink
        let offKink = randomTensor([5, 7], seed: 3, low: 0.2, high: 1)
        for i in stride(from: 0, to: offKink.count, by: 2) { offKink.data[i] = -offKink.data[i] }
        assertGradients([offKink]) { $0[0].relu() }
    }

    func testReductions() {
        let x = randomTensor([3, 7, 5], seed: 4)
        assertGradients([x]) { try $0[0].sum() }
        assertGradients([x]) { try $0[0].sum(axes: [1]) }
        assertGradients([x]) { try $0[0].sum(axes: [0, -1], keepDims: true) }
        assertGradients([x]) { try $0[0].mean(axes: [2]) }
        // max is differentiable only away from ties: distinct values 0.05 apart (more than the step h = 0.01).
        let spread = Tensor(zeros: [3, 7, 5]).requiringGrad()
        var rng = RandomGenerator(seed: 40)
        for (i, v) in (0..<105).shuffled(using: &rng).enumerated() { spread.data[i] = Float(v) * 0.05 }
        assertGradients([spread]) { try $0[0].max(axis: 1) }
        assertGradients([spread]) { try $0[0].max(axis: -1, keepDims: true) }
    }

    func testMatmulAllLayouts() {
        for (m, k, n) in [(1, 1, 1), (7, 33, 5), (4, 1, 3)] {
            let a = randomTensor([m, k], seed: 5), b = randomTensor([k, n], seed: 6)
            let at = randomTensor([k, m], seed: 7), bt = randomTensor([n, k], seed: 8)
            assertGradients([a, b]) { try $0[0].matmul($0[1]) }
            assertGradients([at, b]) { try $0[0].transposed().matmul($0[1]) }
            assertGradients([a, bt]) { try $0[0].matmul($0[1].transposed()) }
            assertGradients([at, bt]) { try $0[0].transposed().matmul($0[1].transposed()) }
        }
        let batched = randomTensor([2, 3, 4, 5], seed: 9), other = randomTensor([2, 3, 6, 5], seed: 10)
        assertGradients([batched, other]) { try $0[0].matmul($0[1].transposed()) }
        let shared = randomTensor([5, 6], seed: 11)
        assertGradients([batched, shared]) { try $0[0].matmul($0[1]) }
        assertGradients([shared, other]) { try $0[0].transposed().matmul($0[1].transposed()) }
    }

    func testLinear() {
        let x = randomTensor([2, 7, 33], seed: 12), w = randomTensor([5, 33], seed: 13), b = randomTensor([5], seed: 14)
        assertGradients([x, w, b]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }
        assertGradients([x, w]) { try $0[0].linear(weight: $0[1]) }
    }

    /// y + s · h · Wᵀ in one SGEMM: its gradients, its value against the product, scaling and sum it replaces, and a
    /// shape error naming the op.
    func testAddingScaledLinear() throws {
        let y = randomTensor([2, 7, 40], seed: 30), h = randomTensor([2, 7, 16], seed: 31), w = randomTensor([40, 16], seed: 32)
        assertGradients([y, h, w]) { try $0[0].addingScaledLinear($0[1], weight: $0[2], scale: 2.5) }
        let fused = try y.addingScaledLinear(h, weight: w, scale: 2.5)
        let composed = try y + h.linear(weight: w) * 2.5
        let worst = zip(fused.scalars, composed.scalars).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertThrowsError(try y.addingScaledLinear(h, weight: randomTensor([16, 40], seed: 33), scale: 1)) { error in
            XCTAssertTrue("\(error)".contains("addingScaledLinear"), "\(error)")
        }
    }

    func testSoftmaxFamilyAndLoss() throws {
        let x = randomTensor([2, 3, 7], seed: 15, low: -2, high: 2)
        let mask = try Tensor(shape: [2, 1, 7], scalars: (0..<14).map { $0 % 7 >= 5 ? -10_000 : 0 })
        assertGradients([x]) { try $0[0].softmax() }
        assertGradients([x]) { try $0[0].softmax(mask: mask) }
        assertGradients([x]) { try $0[0].logSoftmax() }
        let logits = randomTensor([5, 3], seed: 16, low: -2, high: 2)
        let targets = try IntTensor(shape: [5], scalars: [0, 2, -100, 1, 2])
        assertGradients([logits]) { try $0[0].crossEntropy(targets: targets) }
    }

    func testNormalization() throws {
        let x = randomTensor([3, 1, 33], seed: 17, low: -2, high: 2)
        let gamma = randomTensor([33], seed: 18, low: 0.5, high: 1.5), beta = randomTensor([33], seed: 19)
        assertGradients([x, gamma, beta]) { try $0[0].layerNorm(gamma: $0[1], beta: $0[2], eps: 1e-5) }
        assertGradients([x, gamma]) { try $0[0].rmsNorm(weight: $0[1], eps: 1e-6) }
        // The fused RMSNorm equals its definition x / √(mean(x²) + eps) · w.
        let composed = try x / ((x * x).mean(axes: [-1], keepDims: true) + 1e-6).sqrt() * gamma
        assertClose(try x.rmsNorm(weight: gamma, eps: 1e-6).scalars, composed.scalars, tolerance: 1e-6)
    }

    func testShapeOpsAndEmbedding() throws {
        let x = randomTensor([2, 3, 4], seed: 20)
        assertGradients([x]) { try $0[0].reshaped([6, -1]) * 2 }
        assertGradients([x]) { try $0[0].permuted([2, 0, 1]) }
        assertGradients([x]) { try $0[0].transposed(0, 2).contiguous() }
        assertGradients([x]) { try $0[0].slice(axis: 1, 1..<3) }
        let y = randomTensor([2, 1, 4], seed: 21)
        assertGradients([x, y]) { try Tensor.concat([$0[0], $0[1]], axis: 1) }
        assertGradients([x]) { try $0[0].split([1, 3], axis: 2)[1] * 3 }
        let table = randomTensor([7, 5], seed: 22)
        let ids = try IntTensor(shape: [2, 3], scalars: [0, 6, 3, 3, 1, 0])
        assertGradients([table]) { try Tensor.embedding(ids, weight: $0[0]) }
        assertGradients([table]) { try $0[0].scatteredRows(to: [9, 0, 4, 2, 7, 1, 3], rowCount: 10) }
        XCTAssertThrowsError(try table.scatteredRows(to: [0, 1, 2, 3, 4, 5, 10], rowCount: 10))
    }

    func testSwiGLUEqualsSiLUTimesUp() throws {
        let gate = randomTensor([3, 37], seed: 26, low: -4, high: 4), up = randomTensor([3, 37], seed: 27)
        assertGradients([gate, up]) { try Tensor.swiglu(gate: $0[0], up: $0[1]) }
        assertClose(try Tensor.swiglu(gate: gate, up: up).scalars, try (gate.silu() * up).scalars, tolerance: 1e-6)
        XCTAssertThrowsError(try Tensor.swiglu(gate: gate, up: randomTensor([3, 36], seed: 1)))
    }

    func testRotaryEmbeddingRotatesEveryHeadOfAToken() throws {
        let x = randomTensor([3, 12], seed: 24)   // 3 tokens, 2 heads of d = 6
        let (cos, sin) = Tensor.rotaryTables(angles: randomTensor([3, 3], seed: 25, low: -3, high: 3, grad: false))
        assertGradients([x]) { try $0[0].rotaryEmbedding(cos: cos, sin: sin) }
        let y = try x.rotaryEmbedding(cos: cos, sin: sin)
        // Token 1, head 1, pair (0, 3): [x0 cos − x3 sin, x3 cos + x0 sin].
        let (x0, x3, c, s) = (x.scalars[12 + 6], x.scalars[12 + 9], cos.scalars[3], sin.scalars[3])
        XCTAssertEqual(y.scalars[12 + 6], x0 * c - x3 * s, accuracy: 1e-6)
        XCTAssertEqual(y.scalars[12 + 9], x3 * c + x0 * s, accuracy: 1e-6)
        XCTAssertThrowsError(try x.rotaryEmbedding(cos: Tensor(zeros: [3, 5]), sin: Tensor(zeros: [3, 5])))
    }

    func testDropoutIsSeededAndScaled() throws {
        let x = randomTensor([4, 33], seed: 23)
        assertGradients([x]) { var rng = RandomGenerator(seed: 99); return try $0[0].dropout(0.3, training: true, rng: &rng) }
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        let a = try x.dropout(0.5, training: true, rng: &r1), b = try x.dropout(0.5, training: true, rng: &r2)
        XCTAssertEqual(a.scalars, b.scalars)
        let zeros = a.scalars.filter { $0 == 0 }.count
        XCTAssert(zeros > 30 && zeros < 102, "about half dropped, got \(zeros) of 132")
        XCTAssertTrue(try x.dropout(0.5, training: false, rng: &r1) === x)
    }

    func testCustomOpThroughRecord() {
        // y = x³ defined from Swift with a hand-written backward rule.
        func cube(_ x: Tensor) -> Tensor {
            let saved = x.detached()
            return Tensor.record(x.mapElements { $0 * $0 * $0 }, name: "cube", inputs: [x]) { g, _ in
                [g.zipElements(saved) { $0 * 3 * $1 * $1 }]
            }
        }
        assertGradients([randomTensor([3, 5], seed: 24)]) { cube($0[0]) }
    }
}
