import XCTest
import LorafTestSupport
@testable import LorafTensor

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

/// Asserts equal counts and a largest |a − b| of at most `tolerance`.
func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count", file: file, line: line)
    let worst = maxAbsDifference(a, b)
    XCTAssertLessThanOrEqual(worst, tolerance, "max abs difference \(worst)", file: file, line: line)
}
