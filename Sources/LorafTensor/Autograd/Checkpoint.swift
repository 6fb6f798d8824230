extension Tensor {
    /// Activation (gradient) checkpointing of one function (Chen et al. 2016, "Training deep nets with sublinear
    /// memory cost"; torch.utils.checkpoint): runs `body(inputs)` without recording its graph, so none of its
    /// intermediate activations is kept, and records one node whose backward runs `body` again, this time recording,
    /// and back-propagates the output gradient through that fresh graph. Memory: the inputs and the output instead
    /// of every activation inside `body`; time: one more forward pass of `body` during backward.
    ///
    /// Rules of use:
    /// - `body` must compute the same values when called again (so, same dropout masks: a caller that draws
    ///   random numbers inside `body` hands it the generator state saved at the first call); it is called once
    ///   during this call and once more when backward reaches the node.
    /// - Every tensor `body` reads that requires a gradient must be in `inputs` (differentiable values: they are
    ///   handed to `body` detached, and their gradients come back through the node) or in `parameters`
    ///   (trainable leaves: backward of the recomputation accumulates their `grad` directly). A captured non-leaf
    ///   that requires a gradient would be back-propagated into twice: that is an error of the caller.
    /// - With grad mode off, or when nothing in `inputs` and `parameters` requires a gradient, it is a plain call
    ///   of `body` (no recomputation).
    ///
    /// The gradients are the ones the plain call gives: bit for bit when the recomputation is (the kernels are
    /// deterministic at a fixed thread count), except that a parameter also used outside `body` sums its
    /// contributions in another order.
    ///
    /// ```swift
    /// let y = try Tensor.checkpointed(inputs: [x], parameters: [w]) { xs in try xs[0].matmul(w).silu() }
    /// ```
    /// - Parameters:
    ///   - name: the node's name (``operationName`` of the result).
    ///   - inputs: the differentiable arguments of `body`, any shapes.
    ///   - parameters: the trainable leaves `body` reads.
    /// - Returns: `body`'s output (its shape), recorded for autodiff.
    /// - Throws: whatever `body` throws (at the call, or from backward when the recomputation fails).
    public static func checkpointed(name: String = "checkpoint", inputs: [Tensor], parameters: [Tensor],
                                    _ body: @escaping (_ inputs: [Tensor]) throws -> Tensor) throws -> Tensor {
        guard GradMode.isEnabled, (inputs + parameters).contains(where: { $0.requiresGrad }) else { return try body(inputs) }
        // A new tensor object, so that recording it never touches an input that `body` returned unchanged.
        let output = try GradMode.disabled { try body(inputs) }.detached()
        let saved = inputs.map { $0.detached() }
        return record(output, name: name, inputs: inputs + parameters) { outputGrad, needs in
            // 1. Fresh leaves for the inputs, so the recomputed graph stops at them.
            let leaves = saved.enumerated().map { i, x in x.detached().requiringGrad(needs[i]) }
            // 2. The forward pass again, recording; 3. backward through it from the output gradient.
            let recomputed = try GradMode.enabled { try body(leaves) }
            if recomputed.requiresGrad { try recomputed.backward(seed: outputGrad) }
            // 4. The inputs' gradients go back through this node; the parameters already received theirs.
            return leaves.map { $0.grad } + parameters.map { _ in nil }
        }
    }
}
