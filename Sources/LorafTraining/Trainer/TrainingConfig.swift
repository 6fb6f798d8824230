import Foundation
import LorafModels

/// Settings of one training run (what `loraf.train{...}` takes). Defaults follow transformers' Trainer where it
/// has one (AdamW, weight decay off for biases and LayerNorm weights, linear schedule, max_grad_norm 1.0).
public struct TrainingConfig {
    /// Which optimiser, with its hyper-parameters.
    public enum OptimizerChoice {
        /// torch.optim.AdamW.
        case adamW(learningRate: Double, weightDecay: Double, beta1: Double, beta2: Double, epsilon: Double)
        /// torch.optim.SGD.
        case sgd(learningRate: Double, momentum: Double, weightDecay: Double, nesterov: Bool)

        public var learningRate: Double {
            switch self { case let .adamW(lr, _, _, _, _), let .sgd(lr, _, _, _): return lr }
        }
    }

    /// The learning rate per optimiser step.
    public enum ScheduleChoice {
        case constant
        /// Linear warmup to the optimiser's learning rate, then linear decay to 0 (get_linear_schedule_with_warmup).
        case linear(warmup: Warmup)
        /// Linear warmup, then half a cosine to 0 (get_cosine_schedule_with_warmup).
        case cosine(warmup: Warmup)
        /// Any function of the 1-based step returning the learning rate (a Lua function from the bridge).
        case custom((Int) throws -> Double)
        /// A function of the 1-based step, the run's total optimiser steps and the optimiser's peak learning rate,
        /// returning the learning rate (schedules that Lua plugins register).
        case customOverRun((_ step: Int, _ totalSteps: Int, _ peak: Double) throws -> Double)
    }

    public var epochs = 3
    public var batchSize = 32
    public var evalBatchSize = 64
    public var maxLength = 128
    public var optimizer = OptimizerChoice.adamW(learningRate: 1e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    public var schedule = ScheduleChoice.linear(warmup: .fraction(0.06))
    /// Fixes data order, dropout masks and initialisation.
    public var seed: UInt64 = 42
    /// Micro-batches per optimiser step; the loss is the mean over every example of the accumulated batch.
    public var gradientAccumulationSteps = 1
    /// Clip the global gradient norm to this (nil: no clipping).
    public var maxGradNorm: Double? = 1.0
    /// Evaluate every N optimiser steps (nil: at the end of each epoch).
    public var evalEverySteps: Int?
    /// Progress line / metrics.jsonl record every N steps.
    public var logEverySteps = 50
    /// Write a checkpoint every N steps (nil: only at the end when a run folder is set).
    public var checkpointEverySteps: Int?
    public var keepCheckpoints = 2
    /// Where metrics.jsonl, script.lua, plot.svg and checkpoints go (nil: nowhere).
    public var runDirectory: URL?
    /// Continue from the newest checkpoint in `runDirectory`.
    public var resume = false
    /// Stop after this many evaluations without improvement of the eval metric (nil: never).
    public var earlyStoppingPatience: Int?
    /// Batch examples of similar length together (less padding; see BatchPlan.LengthGrouping).
    public var groupByLength = false
    /// Stop after this many optimiser steps (nil: run every epoch).
    public var maxSteps: Int?
    /// Recompute each transformer block's activations in backward instead of keeping them (less memory, about a
    /// third more time; `Module.gradientCheckpointing`), as transformers' `gradient_checkpointing=True`; set on the
    /// model when training starts and left so. nil: the model's own setting.
    public var gradientCheckpointing: Bool?
    /// The format frozen linear layers compute in (``ComputeDType``: fp32, or bf16 on CPUs with AVX512_BF16, else
    /// fp32 with one notice); set on the model (`AdaptedModel.computeDType`) when training starts and left so, so
    /// evaluation runs in it too. nil: the model's own setting.
    public var computeDType: ComputeDType?
    /// The Lua script, saved into the run folder.
    public var scriptSource: String?
    /// Progress output (nil: choose by whether stderr is a terminal).
    public var progressStyle: ProgressReporter.Style?

    public init() {}

    /// Checks ranges; throws `TrainingError.invalidConfig` naming the option.
    public func validate() throws {
        func positive(_ name: String, _ value: Int) throws {
            guard value > 0 else { throw TrainingError.invalidConfig("'\(name)' must be a positive integer, got \(value)") }
        }
        try positive("epochs", epochs)
        try positive("batch_size", batchSize)
        try positive("eval_batch_size", evalBatchSize)
        try positive("max_length", maxLength)
        try positive("gradient_accumulation_steps", gradientAccumulationSteps)
        try positive("log_every", logEverySteps)
        try positive("keep_checkpoints", keepCheckpoints)
        if let n = evalEverySteps { try positive("eval_every", n) }
        if let n = checkpointEverySteps { try positive("checkpoint_every", n) }
        if let n = maxSteps { try positive("max_steps", n) }
        if let n = earlyStoppingPatience { try positive("early_stopping_patience", n) }
        guard optimizer.learningRate > 0, optimizer.learningRate.isFinite else {
            throw TrainingError.invalidConfig("'lr' must be a positive number, got \(optimizer.learningRate)")
        }
        if let clip = maxGradNorm, !(clip > 0) {
            throw TrainingError.invalidConfig("'max_grad_norm' must be positive, got \(clip)")
        }
        if resume, runDirectory == nil {
            throw TrainingError.invalidConfig("'resume' needs a 'run_dir' holding the checkpoints")
        }
    }
}
