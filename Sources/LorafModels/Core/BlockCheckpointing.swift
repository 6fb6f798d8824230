import LorafTensor

extension ModuleList {
    /// Runs the children of kind `Block` in index order, each on the previous one's output: `hidden` (packed tokens
    /// [N, H], or [B, S, H] with a cache) → the same shape. `step(block, x, context)` is one block's forward pass (the
    /// family supplies its extra arguments: attention layout or mask, rotary tables, cache).
    ///
    /// With ``checkpointsBlocks`` on, grad mode on and `checkpointable` (false while a key/value cache is filled,
    /// which a second pass would append to twice), each block runs through ``Tensor/checkpointed(name:inputs:parameters:_:)``,
    /// as transformers' `gradient_checkpointing_enable()` does: the block keeps only its input, and backward runs it
    /// again. The recomputation gets a copy of the context as it was when the block started, so it draws the same
    /// dropout masks and sees the same adapters; the gradients equal those without checkpointing. Unlike
    /// transformers, evaluation mode checkpoints too when gradients are recorded. A forward hook inside a
    /// checkpointed block runs again in backward.
    /// - Throws: what `step` throws.
    public func forwardBlocks<Block: Module>(_ hidden: Tensor, _ context: ForwardContext, checkpointable: Bool = true,
                                             _ step: @escaping (Block, Tensor, ForwardContext) throws -> Tensor) throws -> Tensor {
        var hidden = hidden
        let checkpointing = checkpointsBlocks && checkpointable && GradMode.isEnabled
        for case let block as Block in items {
            guard checkpointing else {
                hidden = try step(block, hidden, context)
                continue
            }
            let trainable = block.namedParameters().map(\.tensor).filter(\.requiresGrad)
            let replay = context.copy()
            var live: ForwardContext? = context   // the first run advances the live generator; reruns use `replay`
            hidden = try Tensor.checkpointed(name: "checkpoint(\(block.kind))", inputs: [hidden], parameters: trainable) { inputs in
                defer { live = nil }
                return try step(block, inputs[0], live ?? replay.copy())
            }
        }
        return hidden
    }
}

extension Module {
    /// Gradient (activation) checkpointing per transformer block for every block stack (``ModuleList``) in this
    /// tree: on, the model keeps each block's input instead of its activations and recomputes a block's forward
    /// pass during backward (less memory, about one more forward pass of time; see
    /// ``ModuleList/forwardBlocks(_:_:checkpointable:_:)``). Reading gives whether any stack has it on. Off by default.
    ///
    /// ```swift
    /// model.gradientCheckpointing = true   // as transformers' model.gradient_checkpointing_enable()
    /// ```
    public var gradientCheckpointing: Bool {
        get { namedModules().contains { ($0.module as? ModuleList)?.checkpointsBlocks == true } }
        set {
            for case let list as ModuleList in namedModules().map(\.module) { list.checkpointsBlocks = newValue }
        }
    }
}

extension ForwardContext {
    /// A new context with this one's mode, dropout generator state and adapter choices (the generators then
    /// advance separately).
    public func copy() -> ForwardContext {
        let copy = ForwardContext(training: training, rng: rng, activeAdapters: activeAdapters, rowAdapters: rowAdapters)
        copy.rowExamples = rowExamples
        copy.integerActivations = integerActivations
        copy.frozenWeightPanels = frozenWeightPanels
        return copy
    }
}
