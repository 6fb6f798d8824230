/// Linear warmup from 0 to `peak`, then linear decay to 0 at `totalSteps`: transformers'
/// `get_linear_schedule_with_warmup` (src/transformers/optimization.py). With `w` warmup steps and `T` total
/// steps, the rate at step `s` is `peak × f(s)` with
///
///     f(s) = s / max(1, w)                      if s < w
///     f(s) = max(0, (T − s) / max(1, T − w))    otherwise
///
/// — the same `f` as transformers' `lr_lambda`, evaluated at the 1-based step (so a 4-step warmup to 1.0 gives
/// 0.25, 0.5, 0.75, 1.0 at steps 1–4, and step `T` gets 0).
public struct LinearWarmupDecaySchedule: LearningRateSchedule, Sendable, Hashable {
    public let peak: Double
    public let warmupSteps: Int
    public let totalSteps: Int

    /// - Throws: ``ScheduleError/invalidParameter(_:)`` for a negative or non-finite `peak`, `totalSteps` below 1
    ///   or a warmup out of range (see ``Warmup/steps(totalSteps:)``).
    public init(peak: Double, warmup: Warmup, totalSteps: Int) throws {
        warmupSteps = try validatedWarmup(peak: peak, warmup: warmup, totalSteps: totalSteps)
        self.peak = peak
        self.totalSteps = totalSteps
    }

    /// - Throws: ``ScheduleError/stepOutOfRange(step:totalSteps:)`` outside `1...totalSteps`.
    public func learningRate(atStep step: Int) throws -> Double {
        try checkStep(step, totalSteps: totalSteps)
        if step < warmupSteps { return peak * warmupFactor(step: step, warmupSteps: warmupSteps) }
        return peak * max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps)))
    }
}
