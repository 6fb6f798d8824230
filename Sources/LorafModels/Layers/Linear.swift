import LorafTensor

/// Fully connected layer, as torch.nn.Linear: y = x · Wᵀ + b.
///
/// Parameters: `weight` [out, in], `bias` [out] (optional). Input [..., in] → output [..., out].
/// Strategies wrap a Linear (LoRA) or read its weight (merge); the layer itself knows nothing of them.
public final class Linear: UnaryModule {
    public let inFeatures: Int
    public let outFeatures: Int

    /// How a new layer's weight is drawn.
    public enum Initialization {
        /// Normal(0, std), bias zero: BERT's `_init_weights` with initializer_range (0.02).
        case normal(std: Float)
        /// torch.nn.Linear's default: kaiming_uniform(a=√5) ⇒ U(−1/√in, 1/√in) for the weight and the bias.
        case kaimingUniform
        /// All zeros.
        case zeros
    }

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, initialization: Initialization = .kaimingUniform,
                rng: inout RandomGenerator) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let weight = Tensor(zeros: [outFeatures, inFeatures])
        let b = Tensor(zeros: [outFeatures])
        let bound = 1 / Float(Swift.max(inFeatures, 1)).squareRoot()
        switch WeightInitialization.drawsRandomValues ? initialization : .zeros {
        case let .normal(std):
            for i in 0..<weight.count { weight.data[i] = rng.nextNormal() * std }
        case .kaimingUniform:
            for i in 0..<weight.count { weight.data[i] = (rng.nextUniform() * 2 - 1) * bound }
            for i in 0..<b.count { b.data[i] = (rng.nextUniform() * 2 - 1) * bound }
        case .zeros:
            break
        }
        register(parameter: "weight", weight)
        if bias { register(parameter: "bias", b) }
    }

    /// The weight [out, in].
    public var weight: Tensor { parameterIfPresent("weight")! } // registered in init, never removed
    /// The bias [out], if the layer has one.
    public var bias: Tensor? { parameterIfPresent("bias") }

    public override var summaryLine: String { "in=\(inFeatures), out=\(outFeatures)" }

    public override func copy() throws -> Module {
        var rng = RandomGenerator(seed: 0)
        let twin = Linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias != nil, initialization: .zeros, rng: &rng)
        try twin.weight.assign(weight)
        if let bias, let twinBias = twin.bias { try twinBias.assign(bias) }
        return twin
    }

    /// x [..., in] → [..., out]. With `context.frozenLinearsInBF16` and a weight that does not require a gradient
    /// (frozen), from the weight's bf16 panels (``bf16Panels()``); otherwise in Float32.
    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        if computesInBF16(context) { return try x.bf16Linear(bf16Panels(), bias: bias) }
        return try x.linear(weight: weight, bias: bias, panels: context.frozenWeightPanels)
    }

    /// forward(dropout(x, p)) (x [..., in]): a LoRA down-projection of its dropped input. When training with p > 0
    /// in Float32 without a bias, the dropped copy of x is not kept for the backward
    /// (``Tensor/droppedLinear(_:training:rng:weight:)``: the mask is drawn again); the same values and gradients.
    public func forwardDropped(_ x: Tensor, p: Float, _ context: ForwardContext) throws -> Tensor {
        guard context.training, p > 0, bias == nil, !computesInBF16(context) else {
            return try forward(context.dropout(x, p), context)
        }
        return try x.droppedLinear(p, training: true, rng: &context.rng, weight: weight)
    }

    /// y + scale · forward(x) (y [..., out], x [..., in]): a LoRA up-projection added to the base output. In Float32
    /// without a bias this is one SGEMM accumulating into a copy of y (``Tensor/addingScaledLinear(_:weight:scale:)``);
    /// otherwise the product, the scaling and the sum one after the other. Equal up to float rounding.
    public func forwardAdding(to y: Tensor, _ x: Tensor, scale: Float, _ context: ForwardContext) throws -> Tensor {
        if bias != nil || computesInBF16(context) { return try y + forward(x, context) * scale }
        return try y.addingScaledLinear(x, weight: weight, scale: scale)
    }

    /// Whether this pass computes the layer from bf16 panels: a frozen weight with `context.frozenLinearsInBF16`.
    private func computesInBF16(_ context: ForwardContext) -> Bool { context.frozenLinearsInBF16 && !weight.requiresGrad }

    /// The weight in bf16 panels for `compute_dtype = "bf16"` passes: packed from `weight` at the first call and kept
    /// (4 bytes per weight) until the weight's storage is written (`TensorStorage.version`: `assign`, an optimiser,
    /// ``addToWeight(_:)``, a Lua in-place write).
    public func bf16Panels() throws -> BF16LinearWeight {
        if let bf16, bf16.version == weight.storage.version { return bf16.panels }
        let packed = try BF16LinearWeight(weight: weight)
        bf16 = (packed, weight.storage.version)
        return packed
    }

    private var bf16: (panels: BF16LinearWeight, version: Int)?
}

extension Linear: BF16PanelHolder {
    public var bf16PanelBytes: Int { bf16?.panels.byteCount ?? 0 }
    public func releaseBF16Panels() { bf16 = nil }
}
