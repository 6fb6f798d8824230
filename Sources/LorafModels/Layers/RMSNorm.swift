import LorafTensor

/// Root-mean-square layer normalisation (Zhang & Sennrich 2019), as transformers' LlamaRMSNorm:
/// y = x / √(mean(x²) + eps) ⊙ weight over the last axis. Parameter `weight` [features] (init 1).
public final class RMSNorm: UnaryModule {
    public let eps: Float

    public init(features: Int, eps: Float) {
        self.eps = eps
        super.init()
        register(parameter: "weight", Tensor(repeating: 1, shape: [features]))
    }

    public override var summaryLine: String { "eps=\(eps)" }

    public override func copy() throws -> Module {
        let twin = RMSNorm(features: try parameter("weight").count, eps: eps)
        try twin.parameter("weight").assign(parameter("weight"))
        return twin
    }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        try x.rmsNorm(weight: parameter("weight"), eps: eps)
    }
}
