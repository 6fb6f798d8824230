/// A learning-rate schedule: the learning rate to use for each optimizer step.
///
/// Step numbering: `step` is the 1-based index of the optimizer step about to be taken (the first update is
/// step 1). See docs/data.md for how this lines up with transformers' schedulers.
public protocol LearningRateSchedule {
    /// The learning rate for optimizer step `step` (1-based).
    /// - Throws: ``ScheduleError`` when `step` is below 1 or past the schedule's total steps, or a custom
    ///   schedule fails or returns a negative or non-finite rate.
    func learningRate(atStep step: Int) throws -> Double
}

/// Errors creating or evaluating a ``LearningRateSchedule``.
public enum ScheduleError: Error, Equatable, CustomStringConvertible {
    /// A schedule parameter is out of range.
    case invalidParameter(String)
    /// The schedule was asked for a step it does not cover.
    case stepOutOfRange(step: Int, totalSteps: Int?)
    /// A custom schedule returned something that is not a usable learning rate.
    case invalidLearningRate(step: Int, value: Double)

    public var description: String {
        switch self {
        case let .invalidParameter(reason):
            return "invalid learning-rate schedule: \(reason)"
        case let .stepOutOfRange(step, totalSteps?):
            return "learning-rate schedule asked for step \(step), outside its steps 1...\(totalSteps)"
        case let .stepOutOfRange(step, nil):
            return "learning-rate schedule asked for step \(step); steps start at 1"
        case let .invalidLearningRate(step, value):
            return "custom learning-rate schedule returned \(value) at step \(step); expected a finite value >= 0"
        }
    }
}

/// Checks a step against `1...totalSteps` (or `1...` when `totalSteps` is `nil`).
func checkStep(_ step: Int, totalSteps: Int?) throws {
    guard step >= 1, step <= totalSteps ?? .max else { throw ScheduleError.stepOutOfRange(step: step, totalSteps: totalSteps) }
}

/// Checks a peak learning rate: finite and not negative.
func checkPeak(_ learningRate: Double) throws {
    guard learningRate.isFinite, learningRate >= 0 else {
        throw ScheduleError.invalidParameter("learning rate must be finite and >= 0, got \(learningRate)")
    }
}
