/// One recorded operation in the autodiff graph: the inputs it read and how to turn the gradient of its output
/// into gradients of those inputs.
///
/// The backward closure receives the output gradient and, per input, whether that input needs a gradient; it
/// returns one gradient (or nil) per input. It captures what the forward pass saved (activations); the node drops
/// the closure as soon as it has run, which frees those activations during the backward pass.
final class GradNode {
    let name: String
    var inputs: [Tensor]
    var backward: ((Tensor, [Bool]) throws -> [Tensor?])?

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor, [Bool]) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether operations record the autodiff graph. Off inside `GradMode.disabled { }` (evaluation, optimiser
/// updates, and while backward closures run).
public enum GradMode {
    nonisolated(unsafe) public private(set) static var isEnabled = true

    /// Runs `body` without recording any operation for autodiff (as torch.no_grad()).
    public static func disabled<T>(_ body: () throws -> T) rethrows -> T {
        let saved = isEnabled
        isEnabled = false
        defer { isEnabled = saved }
        return try body()
    }

    /// Runs `body` with recording on (as torch.enable_grad()): how a checkpointed block records its graph when
    /// backward re-runs it (backward itself runs with grad mode off).
    static func enabled<T>(_ body: () throws -> T) rethrows -> T {
        let saved = isEnabled
        isEnabled = true
        defer { isEnabled = saved }
        return try body()
    }
}

/// Counters that tests and benchmarks read to check that frozen parameters cost no gradient work.
public enum AutogradStats {
    /// Number of GEMMs run to compute gradients of a matmul's right-hand (weight) operand.
    nonisolated(unsafe) public static var weightGradientGEMMs = 0
}

extension Tensor {
    /// Whether no recorded operation produced this tensor: a leaf of the graph (its own `grad` is filled by
    /// `backward()` when it requires a gradient).
    public var isLeaf: Bool { node == nil }

    /// The name of the operation that produced this tensor ("matmul", "cross_entropy"), nil for a leaf.
    public var operationName: String? { node?.name }

    /// Wraps a freshly computed `result` of operation `name` over `inputs`: when grad mode is on and any input
    /// requires a gradient, the result is marked as requiring one and `backward` is recorded.
    ///
    /// This is also how a new differentiable operation is defined from Swift: compute the forward value with any
    /// code (kernels, other ops), then call `record` with its backward rule. Example (y = 2x):
    /// ```swift
    /// let y = Tensor.record(twice(x.data), name: "double", inputs: [x]) { g, needs in [needs[0] ? try g * 2 : nil] }
    /// ```
    public static func record(_ result: Tensor, name: String, inputs: [Tensor],
                              backward: @escaping (_ outputGrad: Tensor, _ needsGrad: [Bool]) throws -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return result }
        result.requiresGrad = true
        result.node = GradNode(name: name, inputs: inputs, backward: backward)
        return result
    }

    /// Back-propagates from this scalar: accumulates d(self)/d(leaf) into `grad` of every leaf that requires a
    /// gradient. `seed` is the gradient of some outer objective with respect to self (default 1).
    ///
    /// The graph is consumed: each node releases its saved activations after it ran, so calling `backward()` twice
    /// on the same result throws.
    /// - Throws: `TensorError.autograd` when self does not require a gradient, is not a scalar without a seed,
    ///   or was already back-propagated; any error of a backward rule.
    public func backward(seed: Tensor? = nil) throws {
        guard requiresGrad else { throw TensorError.autograd("the tensor does not require a gradient (no trainable input reached it)") }
        let start = seed ?? Tensor(repeating: 1, shape: shape)
        guard start.shape == shape else {
            throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: start.shape, detail: "seed must match the output")
        }
        guard seed != nil || count == 1 else {
            throw TensorError.autograd("backward() without a seed needs a scalar, got shape \(shape)")
        }
        guard node == nil || node?.backward != nil else {
            throw TensorError.autograd("this graph was already back-propagated; recompute the forward pass")
        }
        try GradMode.disabled {
            let order = topologicalOrder()
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): start]
            for tensor in order {
                guard let g = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.node else {
                    tensor.accumulateGrad(g)
                    continue
                }
                guard let rule = node.backward else {
                    throw TensorError.autograd("node '\(node.name)' was already back-propagated")
                }
                let needs = node.inputs.map { $0.requiresGrad }
                let grads = try rule(g, needs)
                node.backward = nil
                for (input, grad) in zip(node.inputs, grads) {
                    guard input.requiresGrad, let grad else { continue }
                    guard grad.shape == input.shape else {
                        throw TensorError.autograd("'\(node.name)' produced a gradient of shape \(grad.shape) for an input of shape \(input.shape)")
                    }
                    let key = ObjectIdentifier(input)
                    if let existing = pending[key] { pending[key] = try existing + grad } else { pending[key] = grad }
                }
                node.inputs = []
            }
        }
    }

    /// Tensors reachable from self through recorded nodes, outputs before inputs (reverse post-order of an
    /// iterative depth-first walk, so deep graphs do not overflow the stack).
    private func topologicalOrder() -> [Tensor] {
        var visited = Set<ObjectIdentifier>()
        var postOrder: [Tensor] = []
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (tensor, next) = stack.popLast() {
            let inputs = tensor.node?.inputs ?? []
            if next < inputs.count {
                stack.append((tensor, next + 1))
                let child = inputs[next]
                if child.requiresGrad, visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                postOrder.append(tensor)
            }
        }
        return postOrder.reversed()
    }

    private func accumulateGrad(_ g: Tensor) {
        if let existing = grad {
            let dst = existing.data, src = g.contiguousData().data
            for i in 0..<existing.count { dst[i] += src[i] }
        } else {
            grad = g.copy()  // a private buffer: later accumulation writes into it in place
        }
    }
}
