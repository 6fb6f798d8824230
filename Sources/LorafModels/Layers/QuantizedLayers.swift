import LorafKernels
import LorafTensor

/// A frozen fully connected layer whose weight stays in ggml blocks (a GGUF checkpoint's Q4_1, Q8_0, ...):
/// y = x · Wᵀ + b computed from the blocks (``QuantizedWeight``), input gradients too, never a weight gradient.
/// `bias` [out] (optional) is an ordinary Float32 parameter. Strategies wrap it like a ``Linear`` (LoRA's base
/// stays 4-bit: QLoRA); merging into it needs requantization and is refused.
public final class QuantizedLinear: UnaryModule, LinearLayer {
    public let weight: QuantizedWeight
    public var inFeatures: Int { weight.columns }
    public var outFeatures: Int { weight.rows }

    public init(weight: QuantizedWeight, bias: Tensor? = nil) {
        self.weight = weight
        super.init()
        if let bias { register(parameter: "bias", bias) }
    }

    public var bias: Tensor? { parameterIfPresent("bias") }
    public override var kind: String { "QuantizedLinear" }
    public override var summaryLine: String { "in=\(inFeatures), out=\(outFeatures), \(weight.format)" }

    public func dequantizedWeight() -> Tensor { weight.dequantized() }

    public func addToWeight(_ delta: Tensor) throws {
        throw ModelError.invalid("cannot merge into a \(weight.format) weight in place (its blocks would need requantizing)")
    }

    /// Rows of x from which a bf16 pass over a block-quantized weight uses its bf16 panels. The panels are kept once
    /// made (4 bytes per weight, 8 times a Q4 block's size), so a layer that only ever sees a few rows (decoding, or
    /// an output layer evaluated at a handful of labelled positions: SmolLM2's 49,152 × 576 head would keep 113 MB)
    /// streams its blocks in fp32 instead.
    public static let bf16PanelMinimumRows = 64

    /// x [..., in] → [..., out]: from the blocks, or with `context.frozenLinearsInBF16` from the weight's bf16 panels
    /// (``QuantizedWeight/bf16Panels()``, packed at the first such pass) — except for block formats with fewer than
    /// ``bf16PanelMinimumRows`` rows of x, which stream the blocks as in fp32.
    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let rows = x.count / Swift.max(inFeatures, 1)
        if context.frozenLinearsInBF16, !weight.format.isBlockQuantized || rows >= Self.bf16PanelMinimumRows {
            return try x.bf16Linear(weight.bf16Panels(), bias: bias)
        }
        return try x.quantizedLinear(weight, bias: bias, activations: context.activationPrecision)
    }
}

extension QuantizedLinear: BF16PanelHolder {
    public var bf16PanelBytes: Int { weight.bf16PanelBytes }
    public func releaseBF16Panels() { weight.releaseBF16Panels() }
}

/// A frozen token table in ggml blocks (GGUF `token_embd.weight`, often Q8_0): ids [...] → [..., dim], each row
/// dequantized as it is looked up. With tied embeddings the output layer is a ``QuantizedLinear`` over the same
/// ``QuantizedWeight``.
public final class QuantizedEmbedding: Module, TokenEmbedding {
    public let weight: QuantizedWeight

    public init(weight: QuantizedWeight) {
        self.weight = weight
        super.init()
    }

    public override var kind: String { "QuantizedEmbedding" }
    public override var summaryLine: String { "count=\(weight.rows), dim=\(weight.columns), \(weight.format)" }

    public func forward(_ ids: IntTensor) throws -> Tensor {
        try weight.gatherRows(ids.scalars).reshaped(ids.shape + [weight.columns])
    }
}

/// A module holding a frozen weight in ggml blocks, outside its Float32 parameters.
public protocol QuantizedWeightHolder: Module {
    var weight: QuantizedWeight { get }
}

extension QuantizedLinear: QuantizedWeightHolder {}
extension QuantizedEmbedding: QuantizedWeightHolder {}

extension Module {
    /// Scalars in the quantized weights of the tree, each counted once (a tied lm_head shares the embedding's):
    /// what PEFT counts among "all params" for a 4-bit base besides the Float32 parameters.
    public var quantizedScalarCount: Int {
        var seen = Set<ObjectIdentifier>()
        return namedModules().reduce(0) { total, entry in
            guard let holder = entry.module as? QuantizedWeightHolder, seen.insert(ObjectIdentifier(holder.weight)).inserted else { return total }
            return total + holder.weight.rows * holder.weight.columns
        }
    }
}
