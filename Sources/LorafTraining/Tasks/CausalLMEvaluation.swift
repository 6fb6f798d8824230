import Foundation
import LorafGeneration
import LorafModels
import LorafStrategies
import LorafTensor

/// Greedy answers scored against the labelled text, as a causal-LM evaluation metric (`generation_accuracy`).
///
/// For each evaluation example the prompt is every token before its first labelled token, the reference is that
/// labelled run (the answer and its end-of-turn token), and the model answers greedily until a stop token or
/// `maxNewTokens`. An answer is right when its text, trimmed of surrounding whitespace, equals the reference's
/// text trimmed (special tokens left out of both).
public struct GenerationCheck {
    public var maxNewTokens: Int
    /// Tokens that end an answer (the tokenizer's EOS, the template's end of turn).
    public var stopTokenIds: Set<Int>
    /// Token ids → text without special tokens.
    public let decode: ([Int]) -> String

    /// - Parameters:
    ///   - maxNewTokens: the longest answer generated, in tokens (> 0, else generation throws at evaluation).
    ///   - stopTokenIds: ids that end an answer; `decode` turns ids into text without special tokens.
    public init(maxNewTokens: Int, stopTokenIds: Set<Int>, decode: @escaping ([Int]) -> String) {
        self.maxNewTokens = maxNewTokens
        self.stopTokenIds = stopTokenIds
        self.decode = decode
    }
}

extension CausalLMTask {
    /// Mean loss per labelled token, perplexity and, with ``generationCheck``, generation accuracy over every row.
    /// Rows are scored in length order; under several ranks each takes every `size`-th row and the sums are
    /// all-reduced (one message).
    public func evaluate(_ model: AdaptedModel, batchSize: Int, group: ProcessGroup) throws -> EvalReport {
        guard !rows.isEmpty else { throw TrainingError.data("the evaluation set is empty") }
        let order = Trainer.evaluationShard(rows.indices.sorted { rows[$0].ids.count < rows[$1].ids.count }, group: group)
        let step = max(batchSize, 1)
        // lossSum, scored tokens, right answers, answers checked
        var sums = [0.0, 0.0, 0.0, 0.0]
        try model.evaluating {
            for start in stride(from: 0, to: order.count, by: step) {
                let batchRows = order[start..<min(start + step, order.count)].map { rows[$0] }
                let scored = try score(batchRows, model: model, context: model.makeContext())
                if !(scored.targets.count == 0) {
                    sums[0] += Double(try scored.logits.crossEntropy(targets: scored.targets).item()) * Double(scored.targets.count)
                    sums[1] += Double(scored.targets.count)
                }
                if let check = generationCheck {
                    let (right, checked) = try check.score(batchRows, model: model, padTokenId: padTokenId)
                    sums[2] += Double(right)
                    sums[3] += Double(checked)
                }
            }
        }
        if group.size > 1 { try group.allReduce(&sums, .sum) }
        let loss = sums[0] / max(sums[1], 1)
        var metrics = [EvalMetric("perplexity", exp(loss))]
        if generationCheck != nil { metrics.append(EvalMetric("generation_accuracy", sums[2] / max(sums[3], 1))) }
        return EvalReport(loss: loss, examples: rows.reduce(0) { $0 + $1.sources.count }, metrics: metrics)
    }
}

extension GenerationCheck {
    /// Right answers and answers checked among `rows` (each row's first labelled run; rows without one are skipped).
    func score(_ rows: [PackedSequence], model: AdaptedModel, padTokenId: Int) throws -> (right: Int, checked: Int) {
        var prompts: [[Int]] = [], references: [String] = []
        for row in rows {
            guard let first = row.labels.indices.first(where: { $0 > 0 && row.labels[$0] != ignoredLabel }) else { continue }
            let end = row.labels[first...].firstIndex(of: ignoredLabel) ?? row.labels.count
            prompts.append(Array(row.ids[..<first]))
            references.append(decode(Array(row.ids[first..<end])).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard !prompts.isEmpty else { return (0, 0) }
        let generator = TextGenerator(model: model, padTokenId: padTokenId, decode: decode)
        let answers = try generator.generate(prompts: prompts, options: GenerationOptions(maxNewTokens: maxNewTokens, stopTokenIds: stopTokenIds))
        let right = zip(answers, references).filter { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) == $1 }.count
        return (right, prompts.count)
    }
}
