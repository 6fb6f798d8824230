/// A schedule given by a function of the 1-based step (the Lua bridge passes a Lua function here).
public struct CustomSchedule: LearningRateSchedule {
    private let rate: (Int) throws -> Double

    /// - Parameter rate: the learning rate for a 1-based step; errors it throws are passed on unchanged.
    public init(_ rate: @escaping (Int) throws -> Double) {
        self.rate = rate
    }

    /// - Throws: ``ScheduleError/stepOutOfRange(step:totalSteps:)`` for a step below 1,
    ///   ``ScheduleError/invalidLearningRate(step:value:)`` when the function returns a negative or non-finite
    ///   value, and whatever the function throws.
    public func learningRate(atStep step: Int) throws -> Double {
        try checkStep(step, totalSteps: nil)
        let value = try rate(step)
        guard value.isFinite, value >= 0 else { throw ScheduleError.invalidLearningRate(step: step, value: value) }
        return value
    }
}
