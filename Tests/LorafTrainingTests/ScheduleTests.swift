import XCTest
@testable import LorafTraining

final class ScheduleTests: XCTestCase {
    private func rates(_ schedule: LearningRateSchedule, _ steps: ClosedRange<Int>) throws -> [Double] {
        try steps.map { try schedule.learningRate(atStep: $0) }
    }

    func testLinearWarmupThenLinearDecay() throws {
        let schedule = try LinearWarmupDecaySchedule(peak: 1.0, warmup: .steps(4), totalSteps: 8)
        // Warmup s/4 for s < 4; then (8 - s) / (8 - 4).
        XCTAssertEqual(try rates(schedule, 1...8), [0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.25, 0.0])
        XCTAssertThrowsMessage(try schedule.learningRate(atStep: 9),
                               "learning-rate schedule asked for step 9, outside its steps 1...8")
        XCTAssertThrowsMessage(try schedule.learningRate(atStep: 0),
                               "learning-rate schedule asked for step 0, outside its steps 1...8")
    }

    func testWarmupFractionRoundsUpLikeTransformers() throws {
        XCTAssertEqual(try Warmup.fraction(0.1).steps(totalSteps: 25), 3)   // ceil(2.5)
        XCTAssertEqual(try Warmup.fraction(0).steps(totalSteps: 25), 0)
        let schedule = try LinearWarmupDecaySchedule(peak: 2e-4, warmup: .fraction(0.1), totalSteps: 25)
        XCTAssertEqual(schedule.warmupSteps, 3)
        XCTAssertEqual(try schedule.learningRate(atStep: 1), 2e-4 / 3, accuracy: 1e-18)
        XCTAssertEqual(try schedule.learningRate(atStep: 4), 2e-4 * 21 / 22, accuracy: 1e-18)
        XCTAssertThrowsMessage(try Warmup.fraction(1.5).steps(totalSteps: 10),
                               "invalid learning-rate schedule: warmup fraction must be within 0...1, got 1.5")
        XCTAssertThrowsMessage(try LinearWarmupDecaySchedule(peak: 1, warmup: .steps(11), totalSteps: 10),
                               "invalid learning-rate schedule: warmup of 11 steps is outside 0...10 (the total steps)")
    }

    func testNoWarmupStartsAtPeak() throws {
        let schedule = try LinearWarmupDecaySchedule(peak: 1.0, warmup: .steps(0), totalSteps: 4)
        XCTAssertEqual(try rates(schedule, 1...4), [0.75, 0.5, 0.25, 0.0])
    }

    func testCosineWithWarmup() throws {
        let schedule = try CosineWarmupSchedule(peak: 1.0, warmup: .steps(4), totalSteps: 12)
        let expected = [0.25, 0.5, 0.75] + (4...12).map { 0.5 * (1 + cos(Double.pi * Double($0 - 4) / 8)) }
        for (rate, want) in zip(try rates(schedule, 1...12), expected) { XCTAssertEqual(rate, want, accuracy: 1e-15) }
        XCTAssertEqual(try schedule.learningRate(atStep: 8), 0.5, accuracy: 1e-15)   // half-way through the decay
        XCTAssertEqual(try schedule.learningRate(atStep: 12), 0, accuracy: 1e-15)
        let full = try CosineWarmupSchedule(peak: 1.0, warmup: .steps(0), totalSteps: 4, cycles: 1)
        XCTAssertEqual(try rates(full, 1...4).map { ($0 * 1e12).rounded() / 1e12 }, [0.5, 0, 0.5, 1])
    }

    func testConstantAndCustom() throws {
        XCTAssertEqual(try rates(ConstantSchedule(learningRate: 3e-4), 1...3), [3e-4, 3e-4, 3e-4])
        XCTAssertThrowsMessage(try ConstantSchedule(learningRate: -1),
                               "invalid learning-rate schedule: learning rate must be finite and >= 0, got -1.0")
        let custom = CustomSchedule { step in step < 3 ? 1 / Double(step) : -.infinity }
        XCTAssertEqual(try rates(custom, 1...2), [1, 0.5])
        XCTAssertThrowsMessage(try custom.learningRate(atStep: 3),
            "custom learning-rate schedule returned -inf at step 3; expected a finite value >= 0")
        struct Failure: Error {}
        XCTAssertThrowsError(try CustomSchedule { _ in throw Failure() }.learningRate(atStep: 1)) { XCTAssertTrue($0 is Failure) }
    }
}
