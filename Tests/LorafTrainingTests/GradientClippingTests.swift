import XCTest
@testable import LorafTensor
@testable import LorafTraining

final class GradientClippingTests: XCTestCase {
    func parameter(grad: [Float]) throws -> Tensor {
        let tensor = Tensor(zeros: [grad.count]).requiringGrad()
        tensor.grad = try Tensor(shape: [grad.count], scalars: grad)
        return tensor
    }

    func testScalesByMaxOverNormPlusEpsilonWhenAbove() throws {
        // ‖(3, 4)‖² + ‖(12)‖² = 169, so the global norm is 13; coef = 1 / (13 + 1e-6).
        let a = try parameter(grad: [3, 4]), b = try parameter(grad: [12])
        let result = try clipGradientNorm([("a", a), ("b", b), ("frozen", Tensor(zeros: [2]))], maxNorm: 1)
        XCTAssertEqual(result.norm, 13)
        XCTAssertEqual(result.scale, 1 / (13 + 1e-6), accuracy: 1e-15)
        let coefficient = Float(1 / (13 + 1e-6))
        XCTAssertEqual(a.grad?.scalars, [3 * coefficient, 4 * coefficient])
        XCTAssertEqual(b.grad?.scalars, [12 * coefficient])
    }

    func testLeavesGradientsBelowTheLimit() throws {
        let a = try parameter(grad: [0.3, 0.4])
        let result = try clipGradientNorm([("a", a)], maxNorm: 1)
        XCTAssertEqual(result.norm, 0.5, accuracy: 1e-7)
        XCTAssertEqual(result.scale, 1)
        XCTAssertEqual(a.grad?.scalars, [0.3, 0.4])
    }

    func testLongGradientMatchesDirectSum() throws {
        let values = (0..<1003).map { Float($0 % 17) * 0.25 - 2 }
        let expected = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let result = try clipGradientNorm([("a", parameter(grad: values))], maxNorm: 1e9)
        XCTAssertEqual(result.norm, expected, accuracy: 1e-9 * expected)
    }

    func testNonFiniteNormIsReportedAndNothingScaled() throws {
        let a = try parameter(grad: [1, .nan]), b = try parameter(grad: [100])
        let result = try clipGradientNorm([("a", a), ("b", b)], maxNorm: 1)
        XCTAssertFalse(result.isFinite)
        XCTAssertEqual(b.grad?.scalars, [100])
        XCTAssertThrowsMessage(try clipGradientNorm([("a", a)], maxNorm: 0),
                               "invalid optimizer setting: gradient clipping max norm must be finite and > 0, got 0.0")
    }
}
