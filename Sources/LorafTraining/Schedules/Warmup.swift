/// The length of a linear warmup.
public enum Warmup: Sendable, Hashable {
    /// A fixed number of optimizer steps.
    case steps(Int)
    /// A fraction of the total steps, rounded up: `⌈totalSteps × fraction⌉`, as transformers'
    /// `TrainingArguments.get_warmup_steps` turns `warmup_ratio` into steps.
    case fraction(Double)

    /// The warmup length in steps for a schedule of `totalSteps` steps.
    /// - Throws: ``ScheduleError/invalidParameter(_:)`` for negative steps, more warmup steps than total steps,
    ///   or a fraction outside `0...1`.
    public func steps(totalSteps: Int) throws -> Int {
        switch self {
        case let .steps(count):
            guard (0...totalSteps).contains(count) else {
                throw ScheduleError.invalidParameter("warmup of \(count) steps is outside 0...\(totalSteps) (the total steps)")
            }
            return count
        case let .fraction(fraction):
            guard (0...1).contains(fraction) else {
                throw ScheduleError.invalidParameter("warmup fraction must be within 0...1, got \(fraction)")
            }
            return Int((Double(totalSteps) * fraction).rounded(.up))
        }
    }
}

/// The warmup factor of transformers' linear and cosine schedules at `step`: `step / max(1, warmupSteps)`.
func warmupFactor(step: Int, warmupSteps: Int) -> Double {
    Double(step) / Double(max(1, warmupSteps))
}

/// Shared validation of the warmup-then-decay schedules.
/// - Returns: the warmup length in steps.
func validatedWarmup(peak: Double, warmup: Warmup, totalSteps: Int) throws -> Int {
    try checkPeak(peak)
    guard totalSteps >= 1 else { throw ScheduleError.invalidParameter("totalSteps must be at least 1, got \(totalSteps)") }
    return try warmup.steps(totalSteps: totalSteps)
}
