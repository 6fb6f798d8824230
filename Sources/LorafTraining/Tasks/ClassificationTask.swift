import LorafModels
import LorafStrategies
import LorafTensor

/// Sequence classification (BertForSequenceClassification, LlamaForSequenceClassification): batches of labelled
/// texts, cross-entropy over the examples, accuracy and macro-F1.
///
/// Training: the loss of an accumulated batch is the mean cross-entropy over all its examples (transformers'
/// Trainer). Evaluation: mean loss per example, `accuracy` and `macro_f1` (the selection metric is accuracy).
public struct ClassificationTask: TrainingTask, EvaluationTask {
    public let data: TokenizedDataset

    /// Trains on, or scores, the examples of `data` (their labels in 0..<the model's num_labels).
    public init(_ data: TokenizedDataset) {
        self.data = data
    }

    public var count: Int { data.count }
    public var lengths: [Int] { data.lengths }
    public var lossUnit: String { "examples" }
    public var selectionMetric: (name: String, higherIsBetter: Bool) { ("accuracy", true) }

    public func lossWeight(_ indices: [Int]) -> Int { indices.count }

    /// Mean cross-entropy of the micro-batch × (its examples / `normalizer`).
    public func loss(of indices: [Int], normalizer: Int, model: AdaptedModel, context: ForwardContext) throws -> BatchLoss {
        var (input, labels, tokens) = try data.batch(indices)
        input.headOnly = true
        let logits = try model.forward(input, context).logits.orThrow("the model has no classification head")
        let loss = try logits.crossEntropy(targets: labels) * (Float(indices.count) / Float(normalizer))
        return BatchLoss(loss: loss, tokens: tokens, examples: indices.count)
    }

    /// Loss, accuracy and macro-F1. Examples are batched by length (order does not change the metrics) to keep
    /// padding small; under several ranks each scores every `size`-th example and the predictions and loss sums
    /// are all-reduced.
    public func evaluate(_ model: AdaptedModel, batchSize: Int, group: ProcessGroup) throws -> EvalReport {
        let order = Trainer.evaluationShard((0..<data.count).sorted { data.ids[$0].count < data.ids[$1].count }, group: group)
        var predictions = [Int](repeating: 0, count: data.count)
        var lossSum = 0.0
        try model.evaluating {
            for start in stride(from: 0, to: order.count, by: max(batchSize, 1)) {
                let indices = Array(order[start..<min(start + max(batchSize, 1), order.count)])
                var (input, labels, _) = try data.batch(indices)
                input.headOnly = true
                let logits = try model.forward(input, model.makeContext()).logits.orThrow("the model has no classification head")
                lossSum += Double(try logits.crossEntropy(targets: labels).item()) * Double(indices.count)
                for (row, label) in try logits.argmax(axis: -1).scalars.enumerated() { predictions[indices[row]] = label }
            }
        }
        try Trainer.reduceEvaluation(&predictions, lossSum: &lossSum, group: group)
        return EvalReport(loss: lossSum / Double(max(data.count, 1)), examples: data.count, metrics: [
            EvalMetric("accuracy", try ClassificationMetrics.accuracy(predictions: predictions, labels: data.labels)),
            EvalMetric("macro_f1", try ClassificationMetrics.macroF1(predictions: predictions, labels: data.labels)),
        ])
    }
}
