import XCTest
import LorafTensor
import LorafTestSupport

/// `Tensor.linear(weight:bias:panels:)`: a frozen weight's packed operands, kept across calls, give the same
/// outputs and input gradients bit for bit; only frozen weights within the budget are kept.
final class FrozenWeightPanelsTests: XCTestCase {
    func linearOutputAndInputGradient(_ w: Tensor, _ b: Tensor, panels: FrozenWeightPanels?) throws -> ([Float], [Float]) {
        let x = randomTensor([3, 70, 300], seed: 21)
        let y = try x.linear(weight: w, bias: b, panels: panels)
        try (y * y).sum().backward()
        return (y.scalars, try XCTUnwrap(x.grad).scalars)
    }

    func testFrozenWeightKeepsItsPanelsAndTheSameBits() throws {
        let w = randomTensor([257, 300], seed: 22, grad: false), b = randomTensor([257], seed: 23, grad: false)
        let panels = FrozenWeightPanels()
        let plain = try linearOutputAndInputGradient(w, b, panels: nil)
        let first = try linearOutputAndInputGradient(w, b, panels: panels)
        let held = panels.heldBytes
        let second = try linearOutputAndInputGradient(w, b, panels: panels)
        XCTAssertEqual(plain.0, first.0)
        XCTAssertEqual(plain.1, first.1)
        XCTAssertEqual(first.0, second.0)
        XCTAssertEqual(first.1, second.1)
        XCTAssertGreaterThanOrEqual(held, 2 * 257 * 300 * 4, "Wᵀ and W packed")
        XCTAssertEqual(panels.heldBytes, held, "the second call reuses them")
        panels.removeAll()
        XCTAssertEqual(panels.heldBytes, 0)
    }

    func testTrainableWeightsAndWeightsPastTheBudgetAreNotKept() throws {
        let trainable = randomTensor([40, 300], seed: 24), frozen = randomTensor([40, 300], seed: 25, grad: false)
        let b = randomTensor([40], seed: 26, grad: false)
        let panels = FrozenWeightPanels()
        let plain = try linearOutputAndInputGradient(trainable, b, panels: nil)
        trainable.zeroGrad()
        let cached = try linearOutputAndInputGradient(trainable, b, panels: panels)
        XCTAssertEqual(plain.0, cached.0)
        XCTAssertEqual(panels.heldBytes, 0, "a weight that requires a gradient changes every step")
        let small = FrozenWeightPanels(budgetBytes: 1000)
        _ = try linearOutputAndInputGradient(frozen, b, panels: small)
        XCTAssertEqual(small.heldBytes, 0, "40 × 300 floats twice do not fit in 1000 bytes")
    }
}
