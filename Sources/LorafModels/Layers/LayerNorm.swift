import LorafTensor

/// Layer normalisation over the last axis, as torch.nn.LayerNorm: parameters `weight` (γ, init 1) and `bias`
/// (β, init 0), both [features]; `eps` from the model config (BERT: layer_norm_eps = 1e-12).
public final class LayerNorm: UnaryModule {
    public let eps: Float

    public init(features: Int, eps: Float) {
        self.eps = eps
        super.init()
        register(parameter: "weight", Tensor(repeating: 1, shape: [features]))
        register(parameter: "bias", Tensor(zeros: [features]))
    }

    public override var summaryLine: String { "eps=\(eps)" }

    public override func copy() throws -> Module {
        let twin = LayerNorm(features: try parameter("weight").count, eps: eps)
        try twin.parameter("weight").assign(parameter("weight"))
        try twin.parameter("bias").assign(parameter("bias"))
        return twin
    }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        try x.layerNorm(gamma: parameter("weight"), beta: parameter("bias"), eps: eps)
    }
}

/// Dropout with probability `p`, active only in training mode (inverted dropout: survivors scaled by 1/(1−p)).
public final class Dropout: UnaryModule {
    public let p: Float

    public init(p: Float) {
        self.p = p
        super.init()
    }

    public override var summaryLine: String { "p=\(p)" }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        try context.dropout(x, p)
    }
}

/// A token lookup table: ids [...] → [..., dim]. ``Embedding`` holds Float32 rows; a quantized table reads its rows
/// from ggml blocks.
public protocol TokenEmbedding: Module {
    /// Rows of the table for `ids`. Throws when an id is out of range.
    func forward(_ ids: IntTensor) throws -> Tensor
}

/// A lookup table, as torch.nn.Embedding: `weight` [count, dim]; ids [...] → [..., dim].
public final class Embedding: Module, TokenEmbedding {
    public init(count: Int, dim: Int, std: Float, rng: inout RandomGenerator) {
        super.init()
        let weight = Tensor(zeros: [count, dim])
        if WeightInitialization.drawsRandomValues {
            for i in 0..<weight.count { weight.data[i] = rng.nextNormal() * std }
        }
        register(parameter: "weight", weight)
    }

    public override var summaryLine: String {
        parameterIfPresent("weight").map { "count=\($0.shape[0]), dim=\($0.shape[1])" } ?? ""
    }

    /// Rows of the table for `ids`. Throws when an id is out of range.
    public func forward(_ ids: IntTensor) throws -> Tensor {
        try Tensor.embedding(ids, weight: parameter("weight"))
    }
}
