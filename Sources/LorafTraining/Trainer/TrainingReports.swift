import Foundation

/// What the `on_step` callback sees after each optimiser step.
public struct StepReport {
    public var step: Int
    public var totalSteps: Int
    /// Fractional epoch (1.5 = half-way through the second epoch).
    public var epoch: Double
    /// The step's mean loss over its units (examples for classification, labelled tokens for a causal LM).
    public var loss: Double
    public var learningRate: Double
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    public var examplesPerSecond: Double
}

/// One evaluation: the mean loss and the task's metrics (classification: accuracy, macro_f1; causal LM:
/// perplexity and, when asked for, generation_accuracy).
public struct EvalReport {
    public var step: Int
    public var epoch: Double
    /// Mean loss per unit (example, or labelled token).
    public var loss: Double
    /// Examples scored.
    public var examples: Int
    /// The task's metrics, in the order it reports them (fractions in [0, 1] for accuracies).
    public var metrics: [EvalMetric]

    public init(step: Int = 0, epoch: Double = 0, loss: Double, examples: Int, metrics: [EvalMetric]) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.examples = examples
        self.metrics = metrics
    }

    /// The metric called `name` ("loss" is the mean loss), nil when the task did not report it.
    public subscript(name: String) -> Double? {
        name == "loss" ? loss : metrics.first { $0.name == name }?.value
    }
}

/// A named evaluation figure ("accuracy", "perplexity").
public struct EvalMetric: Equatable, Sendable {
    public let name: String
    public let value: Double

    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
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
    /// CPU seconds (user + system, all threads of the process) spent in those training steps: trainCPUSeconds /
    /// trainSeconds is the number of cores the steps kept busy.
    public var trainCPUSeconds: Double
    public var wallSeconds: Double
    public var examplesPerSecond: Double
    /// Real (non-padding) tokens per second of training.
    public var tokensPerSecond: Double
    /// The process's peak resident memory (VmHWM) in bytes.
    public var peakRSSBytes: Int
    /// The peak of owned tensor memory during the fit (``TensorStorage/peakLiveBytes``): what the steps' tensors
    /// needed at most, next to the process's peak RSS (which adds the runtime, mapped weights and the allocator's slack).
    public var peakTensorBytes: Int
    public var trainableParameters: Int
    /// Every scalar of the model, quantized base weights included (PEFT's "all params").
    public var totalParameters: Int
    /// Seconds spent all-reducing gradients (0 in a single process; see ``GradientAllReduce``).
    public var allReduceSeconds: Double = 0
    /// Bytes all-reduced per optimizer step (0 in a single process).
    public var allReduceBytesPerStep: Int = 0
    /// Wall seconds by phase of the run: "forward" (batch building and the forward pass with its loss),
    /// "backward", "all_reduce", "optimizer" (clipping, update, zeroing), "evaluation", "checkpoint".
    public var phaseSeconds: [String: Double] = [:]
}

/// Adds up the wall time of named phases.
struct PhaseClock {
    private(set) var seconds: [String: Double] = [:]

    /// Runs `body`, adding its wall time to phase `name` (also when it throws).
    mutating func time<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        let start = ProgressReporter.monotonicSeconds()
        defer { seconds[name, default: 0] += ProgressReporter.monotonicSeconds() - start }
        return try body()
    }
}

