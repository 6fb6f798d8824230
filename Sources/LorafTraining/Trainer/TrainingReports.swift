import Foundation

/// What the `on_step` callback sees after each optimiser step.
public struct StepReport {
    public var step: Int
    public var totalSteps: Int
    /// Fractional epoch (1.5 = half-way through the second epoch).
    public var epoch: Double
    /// Mean cross-entropy over the examples of this step.
    public var loss: Double
    public var learningRate: Double
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    public var examplesPerSecond: Double
}

/// Accuracy and macro-F1 (and mean loss) of one evaluation.
public struct EvalReport {
    public var step: Int
    public var epoch: Double
    public var loss: Double
    public var accuracy: Double
    public var macroF1: Double
    public var examples: Int
}

/// The outcome of `Trainer.fit()`.
public struct TrainingSummary {
    public var steps: Int
    public var epochs: Double
    /// Mean training loss over the last logged window.
    public var finalLoss: Double
    /// Training loss per step.
    public var lossHistory: [MetricPoint]
    /// Every evaluation, in order.
    public var evaluations: [EvalReport]
    /// The last evaluation (nil without an eval set).
    public var finalEval: EvalReport? { evaluations.last }
    public var stoppedEarly: Bool
    /// Seconds spent in training steps (excluding evaluation and checkpoints) and in the whole fit.
    public var trainSeconds: Double
    public var wallSeconds: Double
    public var examplesPerSecond: Double
    /// Real (non-padding) tokens per second of training.
    public var tokensPerSecond: Double
    /// The process's peak resident memory (VmHWM) in bytes.
    public var peakRSSBytes: Int
    public var trainableParameters: Int
    public var totalParameters: Int
    /// Seconds spent all-reducing gradients (0 in a single process; see ``GradientAllReduce``).
    public var allReduceSeconds: Double = 0
    /// Bytes all-reduced per optimizer step (0 in a single process).
    public var allReduceBytesPerStep: Int = 0
}

