import LorafTensor

/// In-place updates of a tensor's memory: `t:add_`, `t:mul_`, `t:copy_`, `t:zero_`. Computed with the ordinary
/// tensor operations (no second implementation), then written into `t`; never recorded for autodiff.
///
/// Two rules keep experiments honest: a tensor that needs a gradient may be changed in place only inside
/// `loraf.no_grad` (as in torch: the graph may have saved its old values), and a frozen model parameter (one that
/// `model:parameter` handed out and that does not train) only with `{force = true}`.
enum InPlaceMethods {
    static func register(on tensorClass: LuaClass<Tensor>) {
        tensorClass.method("add_", doc: """
            t:add_(other [, {alpha = 1, force = false}]) -> Tensor
            t <- t + alpha * other in place (other: a tensor that broadcasts to t's shape, or a number); returns t. \
            `p:add_(p:grad(), {alpha = -lr})` is a gradient-descent step. See t:copy_ for the rules on trainable \
            and frozen tensors.
            """) { tensor, args in
            let options = try args.options(3, keys: ["alpha", "force"])
            let other = try args.operand(2)
            let alpha = try options.number("alpha") ?? 1
            try write(tensor, args, force: try options.boolean("force") ?? false) { alpha == 1 ? try tensor + other : try tensor + other * Float(alpha) }
            return [.object(tensor)]
        }
        tensorClass.method("mul_", doc: """
            t:mul_(other [, {force = false}]) -> Tensor
            t <- t * other in place (a tensor that broadcasts to t's shape, or a number); returns t.
            """) { tensor, args in
            let options = try args.options(3, keys: ["force"])
            let other = try args.operand(2)
            try write(tensor, args, force: try options.boolean("force") ?? false) { try tensor * other }
            return [.object(tensor)]
        }
        tensorClass.method("copy_", doc: """
            t:copy_(source [, {force = false}]) -> Tensor
            Overwrites t's values with those of `source` (a tensor that broadcasts to t's shape, or a number); \
            returns t. A tensor that needs a gradient may be changed in place only inside loraf.no_grad; a frozen \
            model parameter (from model:parameter, not trained by the active adapter) only with force = true.
            """) { tensor, args in
            let options = try args.options(3, keys: ["force"])
            let source = try args.operand(2)
            try write(tensor, args, force: try options.boolean("force") ?? false) { try Tensor(zeros: tensor.shape) + source }
            return [.object(tensor)]
        }
        tensorClass.method("zero_", doc: """
            t:zero_([{force = false}]) -> Tensor
            Sets every value of t to 0 in place; returns t.
            """) { tensor, args in
            let options = try args.options(2, keys: ["force"])
            try write(tensor, args, force: try options.boolean("force") ?? false) { Tensor(zeros: tensor.shape) }
            return [.object(tensor)]
        }
    }

    /// Checks the in-place rules, computes the new values without recording and writes them into `tensor`.
    /// - Throws: an argument error naming the method for a recorded trainable tensor, a frozen parameter without
    ///   `force`, a result that does not have t's shape (other did not broadcast to it) or a non-dense view.
    private static func write(_ tensor: Tensor, _ args: LuaArguments, force: Bool, _ compute: () throws -> Tensor) throws {
        if tensor.requiresGrad && GradMode.isEnabled {
            throw args.error(1, "the tensor needs a gradient; change it in place inside loraf.no_grad(function() ... end)")
        }
        if !force, let path = args.state.liveParameters.frozenPath(sharedBy: tensor) {
            throw args.error(1, "'\(path)' is a frozen parameter of the model; pass {force = true} to write it")
        }
        let values = try GradMode.disabled(compute)
        guard values.shape == tensor.shape else {
            throw args.error(2, "the result has shape \(values.shape), the tensor has \(tensor.shape) (it must broadcast to the tensor)")
        }
        guard tensor.isContiguous else { throw args.error(1, "the tensor is a non-dense view; write into a dense tensor") }
        try tensor.assign(values)
    }
}
