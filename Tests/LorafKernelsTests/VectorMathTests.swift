import XCTest
import Foundation
@testable import LorafKernels

final class VectorMathTests: XCTestCase {
    /// Evaluates `vector` on `inputs` 8 at a time; returns the worst error against `exact`, absolute or
    /// relative to max(1, |exact|) per `relative`.
    func worstError(_ inputs: [Float], vector: (Lanes) -> Lanes, exact: (Double) -> Double, relative: Bool) -> Double {
        var worst = 0.0
        var i = 0
        while i + 8 <= inputs.count {
            let v = vector(Lanes(inputs[i..<i + 8]))
            for l in 0..<8 {
                let e = exact(Double(inputs[i + l]))
                let diff = abs(Double(v[l]) - e)
                worst = max(worst, relative ? diff / max(abs(e), 1e-30) : diff)
            }
            i += 8
        }
        return worst
    }

    func grid(_ low: Float, _ high: Float, _ count: Int) -> [Float] {
        (0..<count).map { low + (high - low) * Float($0) / Float(count - 1) }
    }

    func testErfAgainstFoundationOverMinusTenToTen() {
        let error = worstError(grid(-10, 10, 200_008), vector: VectorMath.erf, exact: Foundation.erf, relative: false)
        XCTAssertLessThan(error, 2e-7)
    }

    func testExpRelativeAccuracy() {
        let error = worstError(grid(-87, 88, 100_000), vector: VectorMath.exp, exact: Foundation.exp, relative: true)
        XCTAssertLessThan(error, 3e-7)
        let edges = VectorMath.exp(Lanes([-1000, -88, 89, 1000, 0, .nan, -.infinity, .infinity]))
        XCTAssertEqual(edges[0], 0); XCTAssertEqual(edges[1], 0)
        XCTAssertEqual(edges[2], .infinity); XCTAssertEqual(edges[3], .infinity)
        XCTAssertEqual(edges[4], 1); XCTAssertTrue(edges[5].isNaN)
        XCTAssertEqual(edges[6], 0); XCTAssertEqual(edges[7], .infinity)
    }

    func testTanhAbsoluteAccuracy() {
        let error = worstError(grid(-20, 20, 100_000), vector: VectorMath.tanh, exact: Foundation.tanh, relative: false)
        XCTAssertLessThan(error, 2e-7)
        let small = worstError(grid(-0.5, 0.5, 10_000), vector: VectorMath.tanh, exact: Foundation.tanh, relative: true)
        XCTAssertLessThan(small, 1e-6)
    }
}
