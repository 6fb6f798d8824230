/// One recorded operation in the autodiff graph: where the gradients of its inputs go and how to turn the
/// gradient of its output into them.
///
/// The backward closure receives the output gradient and, per input, whether that input needs a gradient; it
/// returns one gradient (or nil) per input. It captures what the forward pass saved (activations); the node drops
/// the closure as soon as it has run, which frees those activations during the backward pass. The node refers to
/// its inputs through ``GradTarget``s, never to their values: an intermediate tensor's storage lives only as long
/// as the tensor itself or a closure that saved it (as PyTorch's saved tensors), not as long as the graph.
final class GradNode {
    let name: String
    /// The shape of the operation's output (its gradient must have it).
    let shape: [Int]
    var inputs: [GradTarget]
    var backward: ((Tensor, [Bool]) throws -> [Tensor?])?

    init(name: String, shape: [Int], inputs: [GradTarget], backward: @escaping (Tensor, [Bool]) throws -> [Tensor?]) {
        self.name = name
        self.shape = shape
        self.inputs = inputs
        self.backward = backward
    }
}

/// Where the gradient for one input of a ``GradNode`` goes.
enum GradTarget {
    /// A leaf that requires a gradient: `backward()` accumulates into its `grad`.
    case leaf(Tensor)
    /// The node that computed a non-leaf input.
    case node(GradNode)
    /// The input needs no gradient.
    case none

    init(_ tensor: Tensor) {
        if !tensor.requiresGrad { self = .none } else if let node = tensor.node { self = .node(node) } else { self = .leaf(tensor) }
    }

    var needsGrad: Bool {
        if case .none = self { return false }
        return true
    }

    /// Identifies the target while the graph holds it.
    var key: ObjectIdentifier? {
        switch self {
        case .leaf(let tensor): return ObjectIdentifier(tensor)
        case .node(let node): return ObjectIdentifier(node)
        case .none: return nil
        }
    }

    var shape: [Int] {
        switch self {
        case .leaf(let tensor): return tensor.shape
        case .node(let node): return node.shape
        case .none: return []
        }
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
    /// requires a gradient, the result is marked as requiring one and `backward` is recorded. The first node
    /// recorded in a process tunes malloc for training (``TensorStorage``); inference never records one.
    ///
    /// This is also how a new differentiable operation is defined from Swift: compute the forward value with any
    /// code (kernels, other ops), then call `record` with its backward rule. Example (y = 2x):
    /// ```swift
    /// let y = Tensor.record(twice(x.data), name: "double", inputs: [x]) { g, needs in [needs[0] ? try g * 2 : nil] }
    /// ```
    public static func record(_ result: Tensor, name: String, inputs: [Tensor],
                              backward: @escaping (_ outputGrad: Tensor, _ needsGrad: [Bool]) throws -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return result }
        TensorStorage.tuneAllocatorForTraining()
        result.requiresGrad = true
        result.node = GradNode(name: name, shape: result.shape, inputs: inputs.map(GradTarget.init), backward: backward)
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
        guard let root = node else {
            accumulateGrad(start)
            return
        }
        try GradMode.disabled {
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): start]
            for target in Tensor.topologicalOrder(from: root) {
                guard let key = target.key, let g = pending.removeValue(forKey: key) else { continue }
                switch target {
                case .none: continue
                case .leaf(let tensor): tensor.accumulateGrad(g)
                case .node(let node):
                    guard let rule = node.backward else {
                        throw TensorError.autograd("node '\(node.name)' was already back-propagated")
                    }
                    let grads = try rule(g, node.inputs.map(\.needsGrad))
                    node.backward = nil
                    for (input, grad) in zip(node.inputs, grads) {
                        guard let key = input.key, let grad else { continue }
                        guard grad.shape == input.shape else {
                            throw TensorError.autograd("'\(node.name)' produced a gradient of shape \(grad.shape) for an input of shape \(input.shape)")
                        }
                        if let existing = pending[key] { pending[key] = try existing + grad } else { pending[key] = grad }
                    }
                    node.inputs = []
                }
            }
        }
    }

    /// Every target reachable from `root`, each after all the nodes that feed gradients into it.
    private static func topologicalOrder(from root: GradNode) -> [GradTarget] {
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var postOrder: [GradTarget] = []
        var stack: [(GradTarget, Int)] = [(.node(root), 0)]
        while let (target, next) = stack.popLast() {
            let inputs: [GradTarget]
            if case .node(let node) = target { inputs = node.inputs } else { inputs = [] }
            if next < inputs.count {
                stack.append((target, next + 1))
                let child = inputs[next]
                if let key = child.key, visited.insert(key).inserted { stack.append((child, 0)) }
            } else {
                postOrder.append(target)
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
