import LorafModels
import LorafStrategies
import LorafTensor

/// What the training loop trains for. A task owns its training examples, turns a micro-batch of them into a
/// loss, and says what the loss is averaged over; ``Trainer`` knows nothing else about them (docs/architecture.md).
/// ``ClassificationTask`` and ``CausalLMTask`` are the two built in.
public protocol TrainingTask {
    /// The number of units the batch sampler draws from (examples, or packed rows of examples).
    var count: Int { get }
    /// Tokens in each unit, for length-grouped batches.
    var lengths: [Int] { get }
    /// What one unit of the loss is called in messages ("examples", "labelled tokens").
    var lossUnit: String { get }
    /// How many units of loss the units at `indices` carry: the loss of an accumulated batch is its summed loss
    /// divided by this over every micro-batch of it (examples for classification; labelled tokens for a causal
    /// LM, transformers' `num_items_in_batch`).
    func lossWeight(_ indices: [Int]) -> Int
    /// Runs the model on the units at `indices` and returns their summed loss divided by `normalizer` (the
    /// ``lossWeight(_:)`` of the whole accumulated batch, over every rank), ready for `backward()`.
    /// - Throws: model errors, or `TrainingError` when the model lacks the head the task needs.
    func loss(of indices: [Int], normalizer: Int, model: AdaptedModel, context: ForwardContext) throws -> BatchLoss
}

/// One micro-batch's contribution to a training step.
public struct BatchLoss {
    /// Scalar, differentiable: the micro-batch's share of the accumulated batch's mean loss.
    public let loss: Tensor
    /// Real (non-padding) tokens in the micro-batch.
    public let tokens: Int
    /// Examples in the micro-batch (more than its rows when examples are packed).
    public let examples: Int

    public init(loss: Tensor, tokens: Int, examples: Int) {
        self.loss = loss
        self.tokens = tokens
        self.examples = examples
    }
}

/// What a model is evaluated on, and how: a held-out set with its metrics.
public protocol EvaluationTask {
    /// The metric that picks the best evaluation and drives early stopping, and whether higher is better.
    var selectionMetric: (name: String, higherIsBetter: Bool) { get }
    /// Scores `model` in evaluation mode without gradients, `batchSize` units at a time. With a `group` of
    /// several ranks every rank must call this: each scores its share and the counts are all-reduced, so every
    /// rank returns the metrics of the whole set.
    /// - Throws: model errors; `TrainingError` for an empty set or a model without the needed head.
    func evaluate(_ model: AdaptedModel, batchSize: Int, group: ProcessGroup) throws -> EvalReport
}

extension EvaluationTask {
    /// Whether `value` of the selection metric beats `best`.
    func improves(_ value: Double, on best: Double?) -> Bool {
        guard let best else { return true }
        return selectionMetric.higherIsBetter ? value > best : value < best
    }
}
