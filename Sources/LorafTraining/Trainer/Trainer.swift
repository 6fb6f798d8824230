import Foundation
import LorafModels
import LorafStrategies
import LorafTensor

/// Fine-tunes an `AdaptedModel` on a ``TrainingTask``: the training loop behind `loraf.train{...}`.
///
/// The loop knows neither the data nor the loss: the task builds each micro-batch's loss and says what it is
/// averaged over (examples for ``ClassificationTask``, labelled tokens for ``CausalLMTask``); an
/// ``EvaluationTask`` scores the model on held-out data. `fit()` runs named stages (``TrainingSession``): plan
/// (batches, steps, optimizer, schedule), resume (from the newest checkpoint), step (micro-batches, all-reduce,
/// clipping, the update), evaluate, checkpoint. The learning rate has one owner: the schedule, which the
/// optimiser asks at every step.
///
/// Per optimiser step: `gradientAccumulationSteps` micro-batches, each with loss = its summed loss / (units in the
/// whole accumulated batch), backward; global-norm clipping; the optimiser update; callbacks; evaluation, logging
/// and checkpoints on their intervals. What trains is `model.trainableParameters`. One seed fixes data order and
/// dropout, so equal seeds and thread counts give equal losses, and a run resumed from a checkpoint continues
/// bitwise as the uninterrupted run would.
///
/// Data-parallel (``processGroup`` of several ranks, docs/distributed.md): every rank plans the same global
/// batches and takes its shard of each (``ProcessGroup/shard(of:)``); its loss is its shard's summed loss over the
/// global batch's units, so the gradients summed by ``GradientAllReduce`` between backward and clipping are those
/// of the whole batch and every rank takes the same step. Rank 0's trainable tensors are broadcast at the start;
/// evaluation is sharded and reduced; rank 0 alone writes the run folder and prints progress.
public final class Trainer {
    public let model: AdaptedModel
    public let config: TrainingConfig
    public let task: TrainingTask
    public let evaluation: EvaluationTask?
    /// Called after every optimiser step; an error stops training (the last checkpoint stays intact).
    public var onStep: ((StepReport) throws -> Void)?
    /// Called after every evaluation.
    public var onEval: ((EvalReport) throws -> Void)?
    /// Called at the end of every epoch with the 1-based epoch number.
    public var onEpoch: ((Int) throws -> Void)?
    /// Writes the model's adapter in its user-facing format into a checkpoint folder (PEFT layout for adapters).
    public var saveAdapter: ((URL) throws -> Void)?
    /// The ranks training together; ``SingleProcess`` (the default) for an ordinary run.
    public var processGroup: ProcessGroup = SingleProcess()

    /// - Parameters:
    ///   - task: the training data with its batches and loss (``ClassificationTask``, ``CausalLMTask``).
    ///   - evaluation: held-out data scored at each evaluation (nil: none). Nothing is checked until `fit()`.
    public init(model: AdaptedModel, config: TrainingConfig, task: TrainingTask, evaluation: EvaluationTask?) {
        self.model = model
        self.config = config
        self.task = task
        self.evaluation = evaluation
    }

    /// Sequence classification on tokenized datasets (``ClassificationTask``).
    public convenience init(model: AdaptedModel, config: TrainingConfig, train: TokenizedDataset, eval: TokenizedDataset?) {
        self.init(model: model, config: config, task: ClassificationTask(train), evaluation: eval.map(ClassificationTask.init))
    }

    static let trainableFile = "trainable.safetensors"

    /// The dropout generator a run with `seed` starts from (its own stream, apart from data order), so a loop
    /// written elsewhere (Lua's `model:train{seed = ...}`) draws the same dropout masks as `fit()`.
    public static func dropoutGenerator(seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed, stream: 5) }

    /// How `fit()` cuts a task's units into training batches: shuffled every epoch, the last batch kept, optionally
    /// grouped by length. A ``BatchSampler`` over it with the run's seed hands out the batches `fit()` trains on.
    /// - Throws: ``BatchPlanError`` for an empty data set or a batch size below 1.
    public static func batchPlan(count: Int, lengths: @autoclosure () -> [Int], batchSize: Int, groupByLength: Bool) throws -> BatchPlan {
        try BatchPlan(exampleCount: count, batchSize: batchSize, shuffle: true, dropLast: false,
                      lengthGrouping: groupByLength ? BatchPlan.LengthGrouping(lengths: lengths()) : nil)
    }

    /// ``batchPlan(count:lengths:batchSize:groupByLength:)`` for a classification dataset.
    public static func batchPlan(for data: TokenizedDataset, batchSize: Int, groupByLength: Bool) throws -> BatchPlan {
        try batchPlan(count: data.count, lengths: data.lengths, batchSize: batchSize, groupByLength: groupByLength)
    }

    /// Runs training to the end (or to early stopping / max_steps).
    /// - Throws: `TrainingError` (bad config, NaN loss naming the step and last checkpoint, a failing callback),
    ///   `CheckpointError` for checkpoint I/O, or any model error.
    public func fit() throws -> TrainingSummary {
        let session = try TrainingSession(trainer: self)
        try session.resume()
        try session.trainToEnd()
        return try session.finish()
    }

    /// The evaluation task's metrics for the model now (see ``EvaluationTask/evaluate(_:batchSize:group:)``).
    /// - Throws: `TrainingError.invalidConfig` without an evaluation task; the task's errors.
    public func evaluate() throws -> EvalReport {
        let evaluation = try self.evaluation.orThrow("the trainer has no evaluation data")
        return try evaluation.evaluate(model, batchSize: config.evalBatchSize, group: processGroup)
    }

    /// Loss, accuracy and macro-F1 of a classification `model` on `data` (``ClassificationTask/evaluate(_:batchSize:group:)``).
    public static func evaluate(_ model: AdaptedModel, on data: TokenizedDataset, batchSize: Int,
                                group: ProcessGroup = SingleProcess()) throws -> EvalReport {
        try ClassificationTask(data).evaluate(model, batchSize: batchSize, group: group)
    }
}

extension Optional {
    /// The value, or a `TrainingError.invalidConfig` with `message`.
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw TrainingError.invalidConfig(message) }
        return value
    }
}
