/// Where training stands, as the progress display shows it.
public struct ProgressSnapshot: Equatable, Sendable {
    /// Optimizer steps done (1-based count) and planned.
    public var step: Int
    public var totalSteps: Int
    /// 0-based epoch in progress.
    public var epoch: Int
    /// The latest (or smoothed) training loss.
    public var loss: Double
    public var learningRate: Double
    /// Training throughput, examples per second.
    public var examplesPerSecond: Double
    /// Estimated seconds left; nil when not yet known.
    public var etaSeconds: Double?

    public init(step: Int, totalSteps: Int, epoch: Int, loss: Double, learningRate: Double,
                examplesPerSecond: Double, etaSeconds: Double?) {
        self.step = step
        self.totalSteps = totalSteps
        self.epoch = epoch
        self.loss = loss
        self.learningRate = learningRate
        self.examplesPerSecond = examplesPerSecond
        self.etaSeconds = etaSeconds
    }
}
