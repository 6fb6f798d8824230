import XCTest
@testable import LorafTraining

final class MetricsTests: XCTestCase {
    func testAccuracy() throws {
        XCTAssertEqual(try ClassificationMetrics.accuracy(predictions: [0, 1, 1, 1, 3], labels: [0, 0, 1, 1, 2]), 0.6)
    }

    /// By hand, labels [0,0,1,1,2], predictions [0,1,1,1,3]; classes {0,1,2,3}:
    /// class 0: tp 1, fp 0, fn 1 → P 1, R 1/2, F1 2/3; class 1: tp 2, fp 1, fn 0 → P 2/3, R 1, F1 4/5;
    /// class 2: tp 0, fn 1, no predictions → F1 0; class 3: predicted once, never true → F1 0.
    /// Macro-F1 = (2/3 + 4/5 + 0 + 0) / 4 = 11/30.
    func testMacroF1CountsClassesFromLabelsAndPredictions() throws {
        XCTAssertEqual(try ClassificationMetrics.macroF1(predictions: [0, 1, 1, 1, 3], labels: [0, 0, 1, 1, 2]),
                       11.0 / 30.0, accuracy: 1e-15)
    }

    /// Class 5 appears nowhere and must not dilute the mean: labels [0,1,0,1], predictions [0,1,1,1]:
    /// class 0: P 1, R 1/2, F1 2/3; class 1: P 2/3, R 1, F1 4/5 → (2/3 + 4/5) / 2 = 11/15.
    func testMacroF1IgnoresAbsentClassesAndIsOneWhenPerfect() throws {
        XCTAssertEqual(try ClassificationMetrics.macroF1(predictions: [0, 1, 1, 1], labels: [0, 1, 0, 1]),
                       11.0 / 15.0, accuracy: 1e-15)
        XCTAssertEqual(try ClassificationMetrics.macroF1(predictions: [2, 5, 2], labels: [2, 5, 2]), 1)
        XCTAssertEqual(try ClassificationMetrics.macroF1(predictions: [1, 1], labels: [0, 0]), 0)
    }

    func testErrors() {
        XCTAssertThrowsMessage(try ClassificationMetrics.accuracy(predictions: [], labels: []),
                               "cannot compute a metric over no examples")
        XCTAssertThrowsMessage(try ClassificationMetrics.macroF1(predictions: [1], labels: [1, 0]), "1 predictions for 2 labels")
    }
}
