import LorafKernels
import LorafTensor

/// The feed-forward expansion: activation(dense(x)), H → intermediate size. Child `dense`.
public final class BertIntermediate: Module {
    public let activation: Activation

    public init(_ config: BertConfig, rng: inout RandomGenerator) throws {
        guard let act = Activation(name: config.hiddenAct) else { throw ModelError.invalid("unknown hidden_act '\(config.hiddenAct)'") }
        activation = act
        super.init()
        register(child: "dense", Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize,
                                        initialization: .normal(std: config.initializerRange), rng: &rng))
    }

    public override var summaryLine: String { "act=\(activation.rawValue)" }

    public func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        activation.apply(try child("dense").forward(x, context))
    }
}

/// One post-LN transformer block (Devlin et al. 2019): children `attention`, `intermediate`, `output`.
public final class BertLayer: Module {
    public init(_ config: BertConfig, rng: inout RandomGenerator) throws {
        super.init()
        register(child: "attention", BertAttention(config, rng: &rng))
        register(child: "intermediate", try BertIntermediate(config, rng: &rng))
        register(child: "output", BertResidualOutput(inFeatures: config.intermediateSize, config, rng: &rng))
    }

    /// hidden [N, H] (packed `tokens`; `layout` their sequences) → [N, H], or [K, H] for the K packed rows `keeping`
    /// lists: attention reads every token, the rest of the block runs only for those rows.
    public func forward(_ hidden: Tensor, tokens: PackedTokens, layout: AttentionLayout, keeping rows: [Int]? = nil,
                        _ context: ForwardContext) throws -> Tensor {
        guard let attention = childIfPresent("attention") as? BertAttention,
              let intermediate = childIfPresent("intermediate") as? BertIntermediate,
              let output = childIfPresent("output") as? BertResidualOutput else {
            throw ModelError.invalid("BertLayer lacks one of attention, intermediate, output")
        }
        let attended = try attention.forward(hidden, tokens: tokens, layout: layout, keeping: rows, context)
        let feedForward = { try output.forward(intermediate.forward(attended, context), residual: attended, context) }
        guard let rows else { return try feedForward() }
        return try context.withRowExamples(rows.map { tokens.tokenExamples[$0] }, feedForward)
    }
}
