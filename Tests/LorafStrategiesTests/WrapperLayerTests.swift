import XCTest
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// The BitFit and bottleneck wrapper layers on a 2×3 Linear (and a LayerNorm) with numbers worked out by hand.
final class WrapperLayerTests: XCTestCase {
    /// W = [[1, 2, 3], [0, 1, −1]], b = [0.5, −0.5]; for x = [1, 0, −1]: h = W x + b = [−1.5, 0.5].
    private func linear() throws -> Linear {
        var rng = RandomGenerator(seed: 0)
        let layer = Linear(inFeatures: 3, outFeatures: 2, initialization: .zeros, rng: &rng)
        try layer.weight.assign(Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 1, -1]))
        try XCTUnwrap(layer.bias).assign(Tensor(shape: [2], scalars: [0.5, -0.5]))
        return layer
    }

    private let x = try! Tensor(shape: [1, 3], scalars: [1, 0, -1]) // a literal

    func testBitFitLinearAddsTheAdapterBiasInsteadOfTheBaseOne() throws {
        let layer = BitFitBiasLayer(base: try linear())
        try layer.addAdapter("a")
        let context = ForwardContext(training: false, activeAdapters: ["a"])
        XCTAssertEqual(try layer.forward(x, context).scalars, [-1.5, 0.5], "a fresh adapter's bias is the base bias")
        try XCTUnwrap(layer.bias(of: "a")).assign(Tensor(shape: [2], scalars: [1, 2]))
        XCTAssertEqual(try layer.forward(x, context).scalars, [-1, 3], "W x + [1, 2]")
        XCTAssertEqual(try layer.forward(x, ForwardContext(training: false)).scalars, [-1.5, 0.5], "no adapter: the base layer")
        // A mixed batch: row 0 uses a, row 1 the base.
        let two = try Tensor(shape: [2, 3], scalars: [1, 0, -1, 1, 0, -1])
        let mixed = ForwardContext(training: false, rowAdapters: ["a", nil])
        XCTAssertEqual(try layer.forward(two, mixed).scalars, [-1, 3, -1.5, 0.5])
    }

    func testBitFitLayerNormShiftsByTheAdapterBeta() throws {
        let layer = BitFitBiasLayer(base: LayerNorm(features: 2, eps: 0))
        try layer.addAdapter("a")
        try XCTUnwrap(layer.bias(of: "a")).assign(Tensor(shape: [2], scalars: [0.25, -0.5]))
        // x = [1, 3]: mean 2, variance 1, x̂ = [−1, 1]; γ = 1, β = [0.25, −0.5].
        let y = try layer.forward(Tensor(shape: [1, 2], scalars: [1, 3]), ForwardContext(training: false, activeAdapters: ["a"]))
        XCTAssertEqual(y.scalars, [-0.75, 0.5])
    }

    func testBitFitGradientIsTheOutputGradientSummedOverRows() throws {
        let layer = BitFitBiasLayer(base: try linear())
        try layer.addAdapter("a")
        let bias = try XCTUnwrap(layer.bias(of: "a")).requiringGrad(true)
        let rows = try Tensor(shape: [3, 3], scalars: [1, 0, -1, 2, 2, 2, 0, 0, 1])
        let weights = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        try (layer.forward(rows, ForwardContext(training: false, activeAdapters: ["a"])) * weights).sum().backward()
        XCTAssertEqual(bias.grad?.scalars, [9, 12])
    }

    func testBottleneckIsResidualUpActDown() throws {
        var rng = RandomGenerator(seed: 0)
        let layer = BottleneckAdapterLayer(base: try linear())
        try layer.addAdapter("a", size: 1, activation: .relu, downStd: 0.01, rng: &rng)
        let context = ForwardContext(training: false, activeAdapters: ["a"])
        XCTAssertEqual(try layer.forward(x, context).scalars, [-1.5, 0.5], "up is zero at first")
        XCTAssertEqual(layer.projection("a", down: false)?.weight.scalars, [0, 0])
        XCTAssertEqual(layer.projection("a", down: false)?.bias?.scalars, [0, 0])
        // down: [−1, 1]·h + 0.5 = 2.5, relu 2.5; up: [1, −2]·2.5 + [0.1, 0.2] = [2.6, −4.8]; y = h + up.
        let down = try XCTUnwrap(layer.projection("a", down: true)), up = try XCTUnwrap(layer.projection("a", down: false))
        try down.weight.assign(Tensor(shape: [1, 2], scalars: [-1, 1]))
        try XCTUnwrap(down.bias).assign(Tensor(shape: [1], scalars: [0.5]))
        try up.weight.assign(Tensor(shape: [2, 1], scalars: [1, -2]))
        try XCTUnwrap(up.bias).assign(Tensor(shape: [2], scalars: [0.1, 0.2]))
        let y = try layer.forward(x, context).scalars
        XCTAssertEqual(y[0], 1.1, accuracy: 1e-6)
        XCTAssertEqual(y[1], -4.3, accuracy: 1e-6)
        // With a negative pre-activation relu gives 0 and only the up bias remains: h + [0.1, 0.2].
        try XCTUnwrap(down.bias).assign(Tensor(shape: [1], scalars: [-3]))
        let clipped = try layer.forward(x, context).scalars
        XCTAssertEqual(clipped[0], -1.4, accuracy: 1e-6)
        XCTAssertEqual(clipped[1], 0.7, accuracy: 1e-6)
    }

    func testBottleneckDownInitialisationHasTheDocumentedSpread() throws {
        var rng = RandomGenerator(seed: 4)
        var base = RandomGenerator(seed: 1)
        let layer = BottleneckAdapterLayer(base: Linear(inFeatures: 64, outFeatures: 256, rng: &base))
        try layer.addAdapter("a", size: 64, activation: .silu, downStd: BottleneckStrategy.downInitStd, rng: &rng)
        let w = try XCTUnwrap(layer.projection("a", down: true)).weight.scalars
        let std = (w.reduce(0) { $0 + Double($1 * $1) } / Double(w.count)).squareRoot()
        XCTAssertEqual(std, Double(BottleneckStrategy.downInitStd), accuracy: 0.0005)
        XCTAssertEqual(layer.projection("a", down: true)?.bias?.scalars.allSatisfy { $0 == 0 }, true)
    }
}
