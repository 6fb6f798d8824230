/// The same learning rate at every step.
public struct ConstantSchedule: LearningRateSchedule, Sendable, Hashable {
    public let learningRate: Double

    /// - Throws: ``ScheduleError/invalidParameter(_:)`` for a negative or non-finite rate.
    public init(learningRate: Double) throws {
        try checkPeak(learningRate)
        self.learningRate = learningRate
    }

    public func learningRate(atStep step: Int) throws -> Double {
        try checkStep(step, totalSteps: nil)
        return learningRate
    }
}
