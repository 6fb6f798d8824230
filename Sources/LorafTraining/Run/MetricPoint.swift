/// One value of a training curve: a metric (loss, accuracy, ...) at an optimizer step.
public struct MetricPoint: Codable, Equatable, Sendable {
    /// The optimizer step (1-based) after which the value was measured.
    public let step: Int
    /// The value; may be NaN or infinite when training diverged.
    public let value: Double

    public init(step: Int, value: Double) {
        self.step = step
        self.value = value
    }
}
