import LorafModels
import LorafStrategies
import LorafTensor

/// Causal language modelling on instruction or chat examples (LlamaForCausalLM): next-token cross-entropy on the
/// labelled tokens only (``TrainOn`` decides which), normalised by the labelled tokens of the whole accumulated
/// batch, as transformers' `ForCausalLMLoss` with `num_items_in_batch`.
///
/// With `packing`, short examples share rows of at most the data's max_length tokens (``SequencePacker``),
/// kept apart by segment numbers in the attention mask and positions restarting at 0, so the logits of each
/// example equal its unpacked logits (no attention across examples) while no compute goes to padding.
/// Logits are computed only where a label is scored (``ModelInput/logitPositions``).
///
/// Evaluation: the mean loss per labelled token, `perplexity` = exp(loss) (the selection metric: lower is better),
/// and with ``generationCheck`` the `generation_accuracy` of greedy answers.
public struct CausalLMTask: TrainingTask, EvaluationTask {
    /// The rows the sampler draws: one example each, or several packed.
    public let rows: [PackedSequence]
    public let padTokenId: Int
    public let packing: Bool
    /// Per row, the labels its loss scores: every label but the first (nothing predicts it) that is not -100.
    private let scoredLabelCounts: [Int]
    /// Greedy generation at evaluation (nil: loss and perplexity only).
    public var generationCheck: GenerationCheck?

    /// - Parameters:
    ///   - dataset: tokenized examples; with `packing` they are packed in file order into rows of at most
    ///     `dataset.report.maxLength` tokens.
    ///   - padTokenId: fed at padding positions (masked out).
    /// - Throws: ``DatasetError`` when packing meets an example longer than max_length.
    public init(_ dataset: InstructionDataset, padTokenId: Int, packing: Bool = false) throws {
        rows = packing ? try SequencePacker.pack(dataset.examples, maxLength: dataset.report.maxLength)
                       : dataset.examples.map(PackedSequence.init)
        self.padTokenId = padTokenId
        self.packing = packing
        scoredLabelCounts = rows.map { row in row.labels.dropFirst().reduce(0) { $0 + ($1 == ignoredLabel ? 0 : 1) } }
    }

    public var count: Int { rows.count }
    public var lengths: [Int] { rows.map(\.ids.count) }
    public var lossUnit: String { "labelled tokens" }
    public var selectionMetric: (name: String, higherIsBetter: Bool) {
        generationCheck == nil ? ("perplexity", false) : ("generation_accuracy", true)
    }

    /// Labels scored in the rows at `indices`: every label but a row's first (nothing predicts it) that is not -100.
    public func lossWeight(_ indices: [Int]) -> Int {
        indices.reduce(0) { $0 + scoredLabelCounts[$1] }
    }

    public func loss(of indices: [Int], normalizer: Int, model: AdaptedModel, context: ForwardContext) throws -> BatchLoss {
        let scored = try score(indices.map { rows[$0] }, model: model, context: context)
        let loss = (scored.targets.count == 0) ? Tensor(zeros: []) : try scored.logits.crossEntropy(targets: scored.targets)
            * (Float(scored.targets.count) / Float(max(normalizer, 1)))
        return BatchLoss(loss: loss, tokens: scored.tokens,
                         examples: indices.reduce(0) { $0 + rows[$1].sources.count })
    }

    /// Logits [N, vocab] at the N scored positions of `batchRows`, their targets (the next token's label) and the
    /// batch's real tokens. With nothing scored the model is not run.
    func score(_ batchRows: [PackedSequence], model: AdaptedModel, context: ForwardContext) throws
        -> (logits: Tensor, targets: IntTensor, tokens: Int) {
        let batch = try CausalLMBatch(rows: batchRows, padTokenId: padTokenId)
        let width = batch.inputIds.shape[1]
        var positions: [Int] = [], targets: [Int] = []
        for (b, row) in batchRows.enumerated() {
            for t in 0..<max(row.labels.count - 1, 0) where row.labels[t + 1] != ignoredLabel {
                positions.append(b * width + t)
                targets.append(row.labels[t + 1])
            }
        }
        let tokens = batchRows.reduce(0) { $0 + $1.ids.count }
        let targetTensor = try IntTensor(shape: [targets.count], scalars: targets)
        guard !targets.isEmpty else { return (Tensor(zeros: [0, 0]), targetTensor, tokens) }
        var input = try ModelInput(inputIds: batch.inputIds, attentionMask: packing ? batch.segmentIds : batch.attentionMask,
                                   positionIds: packing ? batch.positionIds : nil)
        input.logitPositions = positions
        guard let logits = try model.forward(input, context).logits, logits.rank == 2 else {
            throw TrainingError.invalidConfig("the model has no language-modelling head (load it as a causal LM)")
        }
        return (logits, targetTensor, tokens)
    }
}
