import XCTest
@testable import LorafTensor

/// A dense random tensor with values in [low, high), seeded.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1, grad: Bool = true) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(zeros: shape)
    for i in 0..<t.count { t.data[i] = low + (high - low) * rng.nextUniform() }
    return t.requiringGrad(grad)
}

/// Asserts that autodiff matches central finite differences for `f` (see GradientCheck for the tolerance).
func assertGradients(_ inputs: [Tensor], tolerance: Double = 1e-2, file: StaticString = #filePath, line: UInt = #line,
                     _ f: @escaping ([Tensor]) throws -> Tensor) {
    do {
        let report = try GradientCheck.run(inputs, f)
        XCTAssertLessThan(report.worstRelativeError, tolerance, "\(report)", file: file, line: line)
    } catch {
        XCTFail("gradient check threw \(error)", file: file, line: line)
    }
}

func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count", file: file, line: line)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, tolerance, "max abs difference \(worst)", file: file, line: line)
}
