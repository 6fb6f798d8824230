import XCTest
import Foundation
import LorafTensor
import LorafTestSupport
@testable import LorafTraining

final class CausalLMLossTests: XCTestCase {
    func testShiftedSumMatchesAHandComputation() throws {
        // One row of 3 tokens over a vocabulary of 2: position 0 predicts label[1] = 1, position 1 predicts
        // label[2] = 0, position 2 predicts nothing.
        let logits = try Tensor(shape: [1, 3, 2], scalars: [0.5, 1.5, 2, -1, 7, 7])
        let labels = try IntTensor(shape: [1, 3], scalars: [-100, 1, 0])
        let loss = try CausalLMLoss(logits: logits, labels: labels)
        let expected = -((1.5 - log(exp(0.5) + exp(1.5))) + (2 - log(exp(2) + exp(-1))))
        XCTAssertEqual(loss.labelledTokens, 2)
        XCTAssertEqual(Double(try loss.sum.item()), expected, accuracy: 1e-5)
        XCTAssertEqual(Double(try loss.mean.item()), expected / 2, accuracy: 1e-5)
    }

    func testAgreesWithLogSoftmaxOnRandomLogits() throws {
        var rng = RandomGenerator(seed: 3)
        let (b, s, v) = (2, 5, 7)
        let logits = try Tensor(shape: [b, s, v], scalars: (0..<(b * s * v)).map { _ in rng.nextUniform() * 6 - 3 })
        let labelValues = [-100, 3, 6, -100, 0, /* row 2 */ 1, 2, -100, -100, -100]
        let loss = try CausalLMLoss(logits: logits, labels: IntTensor(shape: [b, s], scalars: labelValues))
        let logProbs = try logits.reshaped([b * s, v]).logSoftmax().scalars
        var expected = 0.0, count = 0
        for row in 0..<b {
            for t in 0..<(s - 1) where labelValues[row * s + t + 1] != -100 {
                expected -= Double(logProbs[(row * s + t) * v + labelValues[row * s + t + 1]])
                count += 1
            }
        }
        XCTAssertEqual(loss.labelledTokens, count)
        XCTAssertEqual(count, 4, "row 2's label at position 0 is never predicted")
        XCTAssertEqual(Double(try loss.sum.item()), expected, accuracy: 1e-4)
    }

    func testGradientMatchesFiniteDifferences() throws {
        var rng = RandomGenerator(seed: 5)
        let logits = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map { _ in rng.nextUniform() * 2 - 1 }).requiringGrad()
        let labels = try IntTensor(shape: [2, 3], scalars: [0, 1, 2, -100, 3, -100])
        let report = try GradientCheck.run([logits]) { try CausalLMLoss(logits: $0[0], labels: labels).sum }
        XCTAssertLessThan(report.worstRelativeError, 1e-2, "\(report)")
    }

    func testShapeAndLabelErrors() throws {
        let logits = Tensor(zeros: [1, 3, 2])
        XCTAssertThrowsError(try CausalLMLoss(logits: logits, labels: IntTensor(shape: [1, 2], scalars: [0, 1])))
        XCTAssertThrowsError(try CausalLMLoss(logits: logits, labels: IntTensor(shape: [1, 3], scalars: [0, 5, 1])))
        let nothing = try CausalLMLoss(logits: logits, labels: IntTensor(shape: [1, 3], scalars: [0, -100, -100]))
        XCTAssertEqual(nothing.labelledTokens, 0)
        XCTAssertEqual(try nothing.mean.item(), 0)
    }
}
