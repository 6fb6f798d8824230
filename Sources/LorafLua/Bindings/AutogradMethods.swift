import LorafTensor

/// Autodiff from Lua on LorafTensor's graph (`Tensor.record`/`backward()`; nothing is differentiated twice):
/// `t:requires_grad`, `t:backward`, `t:grad`, `t:detach`, `t:is_leaf`, `t:zero_grad`, `loraf.no_grad`.
enum AutogradMethods {
    static func register(on tensorClass: LuaClass<Tensor>) {
        tensorClass.method("requires_grad", doc: """
            t:requires_grad([flag]) -> Tensor or boolean
            With a boolean, marks the leaf tensor `t` as needing a gradient (or not) and returns `t`, so \
            `local w = loraf.randn{3, 3}:requires_grad(true)` works; without an argument, returns the flag. Every \
            operation on a tensor that needs a gradient is recorded, and `loss:backward()` fills `t:grad()`. \
            Errors for a tensor computed by an operation (use t:detach() for a new leaf).
            """) { tensor, args in
            guard let flag = try args.optionalBoolean(2) else { return [.boolean(tensor.requiresGrad)] }
            guard tensor.isLeaf else {
                throw args.error(1, "only a leaf tensor's flag can be set; this one comes from '\(tensor.operationName ?? "?")' (use t:detach())")
            }
            tensor.requiringGrad(flag)
            return [.object(tensor)]
        }
        tensorClass.method("backward", doc: """
            t:backward([seed])
            Back-propagates from `t`: adds d(t)/d(leaf) to the gradient of every leaf that needs one (gradients \
            accumulate until zeroed). Without `seed`, `t` must have one element; `seed` (a tensor of t's shape) \
            is the gradient of an outer objective with respect to t. The recorded graph is consumed: calling \
            it twice on the same result is an error (recompute the forward pass).
            Example:
            local w = loraf.tensor{{1, 2}, {3, 4}}:requires_grad(true)
            local loss = w:matmul(w):sum()
            loss:backward()
            print(loss)
            print(w:grad())
            --> Tensor [] 54  from sum
            --> Tensor [2, 2] [[7, 11], [9, 13]]
            """) { tensor, args in
            let seed = args.value(2).isPresent ? try args.tensor(2) : nil
            try tensor.backward(seed: seed)
            return []
        }
        tensorClass.method("grad", doc: """
            t:grad() -> Tensor or nil
            The gradient accumulated in leaf `t` (t's shape), nil before any backward() reached it. The tensor is \
            the gradient buffer itself: an in-place change (g:mul_(0.5)) changes what an optimiser will use.
            """) { tensor, args in [tensor.grad.map(args.result) ?? .nil] }
        tensorClass.method("zero_grad", doc: """
            t:zero_grad()
            Clears the gradient of `t` (t:grad() is nil again).
            """) { tensor, _ in tensor.zeroGrad(); return [] }
        tensorClass.method("detach", doc: """
            t:detach() -> Tensor
            The same values (shared memory) as a new leaf that needs no gradient and has no history.
            """) { tensor, args in [args.result(tensor.detached())] }
        tensorClass.method("is_leaf", doc: """
            t:is_leaf() -> boolean
            Whether `t` was made directly (a constructor, a parameter, detach) rather than computed by a recorded \
            operation.
            """) { tensor, _ in [.boolean(tensor.isLeaf)] }
    }

    static func registerFunctions(in module: LuaModuleBuilder) {
        module.function("no_grad", doc: """
            loraf.no_grad(f, ...) -> ...
            Calls `f(...)` with recording off, as torch.no_grad(): results need no gradient and in-place updates \
            of trainable tensors are allowed. Returns what f returns; an error in f propagates (recording is on \
            again afterwards either way).
            Example:
            local w = loraf.tensor{1, -2}:requires_grad(true)
            local loss = (w * w):sum()
            loss:backward()
            loraf.no_grad(function() w:add_(w:grad(), {alpha = -0.25}) end)   -- a gradient-descent step
            print(w, (w * 2):requires_grad(), loraf.no_grad(function() return (w * 2):requires_grad() end))
            --> Tensor [2] [0.5, -1]  requires grad	true	false
            """) { args in
            let function = try args.function(1)
            let rest = (2 ..< max(2, args.count + 1)).map { args.value($0) }
            return try GradMode.disabled { try function.call(rest) }
        }
    }
}
