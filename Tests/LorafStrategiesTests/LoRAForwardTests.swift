import XCTest
import LorafTestSupport
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// LoRALinear's fused path (the dropped input not kept, the up-projection accumulated into the base output in one
/// SGEMM) against the composition it replaces: base(x) + B·A·dropout(x)·s, values and gradients; a row mask takes
/// the composed path.
final class LoRAForwardTests: XCTestCase {
    func testTheFusedPathEqualsTheComposedOne() throws {
        var rng = RandomGenerator(seed: 3)
        let base = Linear(inFeatures: 24, outFeatures: 10, rng: &rng)
        let layer = LoRALinear(base: base)
        try layer.addAdapter("a", r: 4, scale: 0.5, p: 0.25, initialization: "random", rng: &rng)
        let a = try XCTUnwrap(layer.loraA.child("a") as? Linear), b = try XCTUnwrap(layer.loraB.child("a") as? Linear)
        a.weight.requiringGrad(true)
        b.weight.requiringGrad(true)
        let x = randomTensor([2, 5, 24], seed: 4), g = randomTensor([2, 5, 10], seed: 5, grad: false)

        let y = try layer.forward(x, ForwardContext(training: true, rng: RandomGenerator(seed: 7), activeAdapters: ["a"]))
        XCTAssertEqual(y.operationName, "addingScaledLinear", "the fused path ran")
        try y.backward(seed: g)
        let fused = (y.scalars, try XCTUnwrap(a.weight.grad).scalars, try XCTUnwrap(b.weight.grad).scalars, try XCTUnwrap(x.grad).scalars)
        for t in [a.weight, b.weight, x] { t.zeroGrad() }

        var draws = RandomGenerator(seed: 7)
        let composed = try base.forward(x, ForwardContext(training: true))
            + x.dropout(0.25, training: true, rng: &draws).linear(weight: a.weight).linear(weight: b.weight) * 0.5
        try composed.backward(seed: g)
        XCTAssertLessThan(maxAbsDifference(fused.0, composed.scalars), 1e-5)
        XCTAssertLessThan(maxAbsDifference(fused.1, try XCTUnwrap(a.weight.grad).scalars), 1e-5)
        XCTAssertLessThan(maxAbsDifference(fused.2, try XCTUnwrap(b.weight.grad).scalars), 1e-5)
        XCTAssertLessThan(maxAbsDifference(fused.3, try XCTUnwrap(x.grad).scalars), 1e-5)

        // A batch whose rows choose adapters (a row mask) takes the composed path.
        let mixed = ForwardContext(training: true, activeAdapters: ["a"], rowAdapters: ["a", nil])
        XCTAssertNotEqual(try layer.forward(x, mixed).operationName, "addingScaledLinear")
    }
}
