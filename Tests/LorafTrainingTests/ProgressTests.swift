import XCTest
@testable import LorafTraining

final class ProgressTests: XCTestCase {
    let snapshot = ProgressSnapshot(step: 120, totalSteps: 650, epoch: 1, loss: 0.41234, learningRate: 9.2e-4,
                                    examplesPerSecond: 180.26, etaSeconds: 175.4)

    func testPlainLine() {
        XCTAssertEqual(ProgressFormat.plainLine(snapshot), "step 120/650 epoch 1 loss 0.4123 lr 9.2e-04 ex/s 180.3 eta 2m55s")
    }

    func testBarLine() {
        var early = snapshot
        early.step = 65
        XCTAssertEqual(ProgressFormat.barLine(early, barWidth: 10),
                       "[#---------]  65/650 epoch 1 loss 0.4123 lr 9.2e-04 ex/s 180.3 eta 2m55s")
        early.step = 650
        early.etaSeconds = nil
        XCTAssertTrue(ProgressFormat.barLine(early, barWidth: 4).hasPrefix("[####] 650/650 "))
        XCTAssertTrue(ProgressFormat.barLine(early, barWidth: 4).hasSuffix("eta ?"))
    }

    func testDurations() {
        XCTAssertEqual(ProgressFormat.duration(0), "0s")
        XCTAssertEqual(ProgressFormat.duration(59.6), "1m00s")
        XCTAssertEqual(ProgressFormat.duration(3725), "1h02m")
        XCTAssertEqual(ProgressFormat.duration(nil), "?")
        XCTAssertEqual(ProgressFormat.duration(.infinity), "?")
        XCTAssertEqual(ProgressFormat.duration(-1), "?")
    }

    func testPlainReporterPrintsEveryNStepsWithETAFromItsOwnPace() throws {
        var output: [String] = []
        var now = 100.0
        let reporter = try ProgressReporter(totalSteps: 10, every: 4, style: .plainLines(every: 4),
                                            write: { output.append($0) }, clock: { now })
        for step in 1...10 {
            reporter.update(step: step, epoch: 0, loss: 1, learningRate: 1e-3, examplesPerSecond: 32)
            now += 2
        }
        XCTAssertEqual(output, ["step 4/10 epoch 0 loss 1.0000 lr 1.0e-03 ex/s 32.0 eta 12s\n",
                                "step 8/10 epoch 0 loss 1.0000 lr 1.0e-03 ex/s 32.0 eta 4s\n",
                                "step 10/10 epoch 0 loss 1.0000 lr 1.0e-03 ex/s 32.0 eta 0s\n"])
    }

    func testLiveBarRedrawsInPlace() throws {
        var output = ""
        let reporter = try ProgressReporter(totalSteps: 2, style: .liveBar, write: { output += $0 }, clock: { 0 })
        reporter.update(step: 1, epoch: 0, loss: 0.5, learningRate: 1e-3, examplesPerSecond: 10)
        reporter.message("eval accuracy 0.9")
        reporter.update(step: 2, epoch: 0, loss: 0.5, learningRate: 1e-3, examplesPerSecond: 10)
        reporter.finish()
        XCTAssertTrue(output.hasPrefix("\r[############------------] 1/2 "))
        XCTAssertTrue(output.contains("\r\u{1B}[Keval accuracy 0.9\n\r[########################] 2/2 "))
        XCTAssertTrue(output.hasSuffix("\u{1B}[K\n"))
        XCTAssertThrowsMessage(try ProgressReporter(totalSteps: 0), "checkpoint: progress needs at least 1 step, got 0")
    }
}
