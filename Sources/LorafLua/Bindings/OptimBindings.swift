import LorafTensor
import LorafTraining

/// What a Lua `Optimizer` value holds: one of LorafTraining's optimisers, the named parameters it updates and the
/// learning rate it owns (set by `opt:step{lr = ...}` or `opt:set_lr`).
final class OptimizerObject {
    let optimizer: Optimizer
    let parameters: [NamedParameter]
    var learningRate: Double

    init(_ optimizer: Optimizer, parameters: [NamedParameter], learningRate: Double) {
        self.optimizer = optimizer
        self.parameters = parameters
        self.learningRate = learningRate
    }
}

/// `loraf.optim.adamw`, `loraf.optim.sgd`, `loraf.optim.clip_grad_norm` and the `Optimizer` class: loraf.train's
/// optimisers (LorafTraining's AdamW and SGD, the same code) as objects a Lua loop drives.
enum OptimBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let optim = module.state.module("\(module.name).optim", doc: """
            Optimisers over named parameters (model:named_parameters{trainable = true}), the ones loraf.train uses.
            """)
        optim.function("adamw", doc: """
            loraf.optim.adamw(parameters [, {lr = 1e-3, weight_decay = 0.01, betas = {0.9, 0.999}, eps = 1e-8}]) -> Optimizer
            AdamW as torch.optim.AdamW (decoupled weight decay, not applied to biases and LayerNorm weights, by \
            name, as transformers' Trainer does). `parameters` is a list of {name = string, tensor = Tensor} \
            (model:named_parameters) or of tensors; state is kept per name.
            Example:
            local w = loraf.tensor{3, -3}:requires_grad(true)
            local opt = loraf.optim.adamw({{name = "w", tensor = w}}, {lr = 0.1, weight_decay = 0})
            for step = 1, 3 do
              local loss = (w * w):sum()
              loss:backward(); opt:step(); opt:zero_grad()
            end
            print(w, opt:state().steps.w)
            --> Tensor [2] [2.70038, -2.70038]  requires grad\t3
            """) { args in
            let parameters = try namedParameters(args, 1)
            let o = try args.options(2, keys: ["lr", "weight_decay", "betas", "eps"])
            var betas = (0.9, 0.999)
            if case .list(let items) = o.value("betas") {
                guard items.count == 2, let b1 = items[0].numberValue, let b2 = items[1].numberValue else { throw o.error("betas", mustBe: "two numbers") }
                betas = (b1, b2)
            } else if o.value("betas").isPresent {
                throw o.error("betas", mustBe: "two numbers")
            }
            let adamw = try AdamW(beta1: betas.0, beta2: betas.1, epsilon: try o.number("eps") ?? 1e-8, weightDecay: try o.number("weight_decay") ?? 0.01)
            return [.object(OptimizerObject(adamw, parameters: parameters, learningRate: try o.number("lr") ?? 1e-3))]
        }
        optim.function("sgd", doc: """
            loraf.optim.sgd(parameters [, {lr = 1e-2, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false}]) -> Optimizer
            SGD as torch.optim.SGD over `parameters` (as for loraf.optim.adamw).
            """) { args in
            let parameters = try namedParameters(args, 1)
            let o = try args.options(2, keys: ["lr", "momentum", "dampening", "weight_decay", "nesterov"])
            let sgd = try SGD(momentum: try o.number("momentum") ?? 0, dampening: try o.number("dampening") ?? 0,
                              nesterov: try o.boolean("nesterov") ?? false, weightDecay: try o.number("weight_decay") ?? 0)
            return [.object(OptimizerObject(sgd, parameters: parameters, learningRate: try o.number("lr") ?? 1e-2))]
        }
        optim.function("clip_grad_norm", doc: """
            loraf.optim.clip_grad_norm(parameters, max_norm) -> norm, scale
            Scales the gradients of `parameters` (as for loraf.optim.adamw) so that their global L2 norm is at \
            most max_norm, as torch.nn.utils.clip_grad_norm_ and loraf.train's max_grad_norm; returns the norm \
            before clipping and the factor applied (1 when none was needed or the norm is not finite).
            """) { args in
            let parameters = try namedParameters(args, 1)
            let clipped = try clipGradientNorm(parameters, maxNorm: try args.number(2))
            return [.number(clipped.norm), .number(clipped.scale)]
        }
        registerClass(in: module)
    }

    private static func registerClass(in module: LuaModuleBuilder) {
        let optimizerClass = module.defineClass(OptimizerObject.self, name: "Optimizer", doc: """
            An optimiser from loraf.optim: opt:step(), opt:zero_grad(), opt:state().
            """)
        optimizerClass.tostring { "Optimizer \($0.optimizer.kind) (\($0.parameters.count) parameters, lr \($0.learningRate))" }
        optimizerClass.method("step", doc: """
            opt:step([{lr = rate}])
            Updates every parameter that has a gradient, in place, at the optimiser's learning rate (first set to \
            `lr` when given, e.g. from a schedule: opt:step{lr = sched:lr(step)}). Parameters without a gradient \
            are skipped. Does not clear the gradients (opt:zero_grad()).
            """) { object, args in
            if let rate = try args.options(2, keys: ["lr"]).number("lr") { object.learningRate = rate }
            try GradMode.disabled { try object.optimizer.step(object.parameters, learningRate: object.learningRate) }
            return []
        }
        optimizerClass.method("zero_grad", doc: """
            opt:zero_grad()
            Clears the gradients of the optimiser's parameters.
            """) { object, _ in object.optimizer.zeroGrad(object.parameters); return [] }
        optimizerClass.method("lr", doc: """
            opt:lr() -> number
            The learning rate the next step uses.
            """) { object, _ in [.number(object.learningRate)] }
        optimizerClass.method("set_lr", doc: """
            opt:set_lr(rate)
            Sets the learning rate (finite, >= 0) for the following steps.
            """) { object, args in
            let rate = try args.number(2)
            guard rate.isFinite, rate >= 0 else { throw args.error(2, "learning rate must be finite and >= 0, got \(rate)") }
            object.learningRate = rate
            return []
        }
        optimizerClass.method("state", doc: """
            opt:state() -> {kind = string, steps = {name = n}, buffers = {key = Tensor}}
            A copy of the optimiser's state: torch's buffer names keyed "<buffer>.<parameter name>" (exp_avg, \
            exp_avg_sq for AdamW; momentum_buffer for SGD) and AdamW's step count per parameter.
            """) { object, args in
            let state = object.optimizer.state()
            return [.record(["kind": .string(state.kind), "steps": .record(state.steps.mapValues(LuaValue.integer)),
                             "buffers": .record(state.buffers.mapValues(args.result))])]
        }
    }

    /// Argument `position` as named parameters: a list of {name = string, tensor = Tensor} or of tensors
    /// (named "1", "2", ... by position).
    static func namedParameters(_ args: LuaArguments, _ position: Int) throws -> [NamedParameter] {
        guard case .list(let items) = args.value(position), !items.isEmpty else {
            throw args.error(position, "non-empty list of parameters expected (model:named_parameters{trainable = true}), got \(args.value(position).errorDescription)")
        }
        return try items.enumerated().map { index, item in
            if let tensor = item.object(as: Tensor.self) { return (String(index + 1), tensor) }
            guard case .record(let fields) = item, let name = fields["name"]?.stringValue,
                  let tensor = fields["tensor"]?.object(as: Tensor.self) else {
                throw args.error(position, "entry [\(index + 1)] must be {name = string, tensor = Tensor} or a Tensor, got \(item.errorDescription)")
            }
            return (name, tensor)
        }
    }
}
