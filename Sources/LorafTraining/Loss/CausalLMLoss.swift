import LorafTensor

/// The causal-LM loss of a batch before normalisation: the summed cross-entropy of the labelled tokens and their
/// number, so that a trainer accumulating several micro-batches divides the sum by the labelled tokens of the
/// whole accumulated batch (transformers' `num_items_in_batch`), not by each micro-batch's own count.
public struct CausalLMLoss {
    /// Scalar: −Σ log p(label[b, t+1] | tokens ≤ t) over the labelled positions; differentiable.
    public let sum: Tensor
    /// How many (shifted) labels took part.
    public let labelledTokens: Int

    /// Shifted cross-entropy, as transformers' `ForCausalLMLoss`: the logits at position t are scored against the
    /// label at t+1; labels equal to -100 (and the last position, which has nothing to predict) are left out.
    /// - Parameters:
    ///   - logits: [B, S, V].
    ///   - labels: [B, S], unshifted (as ``CausalLMBatch/labels``).
    /// - Throws: `TensorError` when the shapes disagree or a label is outside 0..<V.
    public init(logits: Tensor, labels: IntTensor) throws {
        guard logits.rank == 3, labels.shape == Array(logits.shape.prefix(2)) else {
            throw TensorError.shapeMismatch(op: "causal_lm_loss", lhs: logits.shape, rhs: labels.shape,
                                            detail: "expects logits [B, S, V] and labels [B, S]")
        }
        let (batch, length, vocabulary) = (logits.shape[0], logits.shape[1], logits.shape[2])
        var targets = [Int](repeating: ignoredLabel, count: batch * length)
        for b in 0..<batch {
            for t in 0..<max(length - 1, 0) { targets[b * length + t] = labels.scalars[b * length + t + 1] }
        }
        labelledTokens = targets.reduce(0) { $0 + ($1 == ignoredLabel ? 0 : 1) }
        let mean = try logits.reshaped([batch * length, vocabulary])
            .crossEntropy(targets: IntTensor(shape: [batch * length], scalars: targets), ignoreIndex: ignoredLabel)
        sum = mean * Float(labelledTokens)
    }

    /// `sum / labelledTokens`: the mean over this batch alone (0 when nothing is labelled), e.g. for evaluation.
    public var mean: Tensor { sum * (labelledTokens == 0 ? 0 : 1 / Float(labelledTokens)) }
}
