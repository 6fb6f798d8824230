import Foundation

/// Linear warmup from 0 to `peak`, then cosine decay: transformers' `get_cosine_schedule_with_warmup`
/// (src/transformers/optimization.py). With `w` warmup steps, `T` total steps and `c` cycles (0.5: one half
/// cosine from `peak` down to 0), the rate at step `s` is `peak × f(s)` with
///
///     f(s) = s / max(1, w)                           if s < w
///     p    = (s − w) / max(1, T − w)
///     f(s) = max(0, ½ (1 + cos(π · c · 2 · p)))      otherwise
///
/// evaluated at the 1-based step.
public struct CosineWarmupSchedule: LearningRateSchedule, Sendable, Hashable {
    public let peak: Double
    public let warmupSteps: Int
    public let totalSteps: Int
    public let cycles: Double

    /// - Throws: ``ScheduleError/invalidParameter(_:)`` for a negative or non-finite `peak` or `cycles`,
    ///   `totalSteps` below 1 or a warmup out of range (see ``Warmup/steps(totalSteps:)``).
    public init(peak: Double, warmup: Warmup, totalSteps: Int, cycles: Double = 0.5) throws {
        warmupSteps = try validatedWarmup(peak: peak, warmup: warmup, totalSteps: totalSteps)
        guard cycles.isFinite, cycles >= 0 else {
            throw ScheduleError.invalidParameter("cycles must be finite and >= 0, got \(cycles)")
        }
        self.peak = peak
        self.totalSteps = totalSteps
        self.cycles = cycles
    }

    /// - Throws: ``ScheduleError/stepOutOfRange(step:totalSteps:)`` outside `1...totalSteps`.
    public func learningRate(atStep step: Int) throws -> Double {
        try checkStep(step, totalSteps: totalSteps)
        if step < warmupSteps { return peak * warmupFactor(step: step, warmupSteps: warmupSteps) }
        let progress = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
        return peak * max(0, 0.5 * (1 + cos(Double.pi * cycles * 2 * progress)))
    }
}
