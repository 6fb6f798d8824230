import LorafModels
import LorafTensor

/// What a Lua `Hook` value holds: a forward hook on one module, removable once.
final class HookObject {
    weak var module: Module?
    let id: Int
    let path: String

    init(module: Module, id: Int, path: String) {
        self.module = module
        self.id = id
        self.path = path
    }

    /// Takes the hook off its module; returns whether it was still there.
    func remove() -> Bool {
        guard let module, module.forwardHooks.contains(where: { $0.id == id }) else { return false }
        module.forwardHooks.removeAll { $0.id == id }
        return true
    }
}

/// Parameters as live tensors and forward hooks: `model:parameter`, `model:named_parameters`, `model:zero_grad`,
/// `model:on_forward`, `model:remove_hooks` and the `Hook` class.
enum ParameterBindings {
    static func register(on modelClass: LuaClass<ModelObject>, in module: LuaModuleBuilder) {
        modelClass.method("parameter", doc: """
            model:parameter(path) -> Tensor
            The parameter at `path` (a Hugging Face name such as "bert.encoder.layer.0.attention.self.query.weight", \
            as model:named_parameters lists them) as a live tensor: it is the model's own memory, so an in-place \
            change (t:add_, t:copy_) changes the model. A parameter that does not train (frozen) can be written only \
            with {force = true}. Errors naming the path when there is none, and for a weight kept in quantized \
            blocks (a GGUF model's), which has no live Float32 tensor.
            """) { object, args in
            let path = try args.string(2)
            guard let found = object.adapted.allParameters.first(where: { $0.path == path }) else {
                let owner = object.adapted.base.module(at: path.split(separator: ".").dropLast().joined(separator: "."))
                if path.hasSuffix(".weight"), let owner, owner is QuantizedLinear || owner is QuantizedEmbedding {
                    throw args.error(2, "'\(path)' is kept in quantized blocks (\(owner.kind)), not as a tensor that can be read or written live")
                }
                throw args.error(2, "no parameter '\(path)' (model:named_parameters() lists them)")
            }
            args.state.liveParameters.register(found.tensor, path: path)
            return [.object(found.tensor)]
        }
        modelClass.method("named_parameters", doc: """
            model:named_parameters([{trainable = false}]) -> {{name = path, tensor = Tensor}}
            Every parameter in tree order as a live tensor (see model:parameter) with its path; with trainable = \
            true only those training updates (the active adapter's own parameters and its modules_to_save copies, \
            in the order loraf.train uses; every parameter when no adapter is attached). The list is what \
            loraf.optim.adamw and loraf.optim.sgd take.
            Example:
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            model:adapt{strategy = "lora", target_modules = {"query"}, r = 2}
            local params = model:named_parameters{trainable = true}
            print(#params, params[1].name, params[1].tensor:shape()[1])
            --> 14\tbert.encoder.layer.0.attention.self.query.lora_A.default.weight\t2
            """) { object, args in
            let trainable = try args.options(2, keys: ["trainable"]).boolean("trainable") ?? false
            let parameters = trainable ? object.adapted.trainableParameters : object.adapted.allParameters
            return [.list(parameters.map { path, tensor in
                args.state.liveParameters.register(tensor, path: path)
                return .record(["name": .string(path), "tensor": .object(tensor)])
            })]
        }
        modelClass.method("zero_grad", doc: """
            model:zero_grad()
            Clears the gradient of every parameter.
            """) { object, _ in
            for (_, tensor) in object.adapted.allParameters { tensor.zeroGrad() }
            return []
        }
        registerHooks(on: modelClass, in: module)
    }

    private static func registerHooks(on modelClass: LuaClass<ModelObject>, in module: LuaModuleBuilder) {
        let hookClass = module.defineClass(HookObject.self, name: "Hook", doc: """
            A forward hook made by model:on_forward; h:remove() takes it off.
            """)
        hookClass.tostring { "Hook on \($0.path)" }
        hookClass.method("remove", doc: """
            h:remove() -> boolean
            Takes the hook off its module; returns false when it was already removed.
            """) { hook, _ in [.boolean(hook.remove())] }
        modelClass.method("on_forward", doc: """
            model:on_forward(path, function(module_path, output) -> nil or Tensor) -> Hook
            Calls the function with the module's path and its output each time the module at `path` runs inside \
            model:forward, predict, embed or loraf.train, e.g. "bert.encoder.layer.0.attention.self.dropout" \
            sees the attention probabilities [B, heads, S, S] (after dropout in training mode; that layer then computes attention on the padded batch instead of the fused kernel). Returning a \
            tensor of the same shape replaces the output; returning nothing keeps it. An error in the function \
            stops that forward pass with the function's message and traceback; the model stays usable. Keep the \
            Hook to remove it (h:remove()); model:remove_hooks() removes all.
            Example:
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            local hook = model:on_forward("bert.encoder.layer.0.attention.self.dropout", function(path, probs)
              print(path, table.concat(probs:shape(), "x"), string.format("%.3f", probs:sum(-1):mean():item()))
            end)
            model:forward{texts = {"hello world"}}
            hook:remove()
            --> bert.encoder.layer.0.attention.self.dropout\t1x12x4x4\t1.000
            """) { object, args in
            let path = try args.string(2)
            let function = try args.function(3)
            guard let target = object.adapted.base.module(at: path), !path.isEmpty else {
                throw args.error(2, "no module '\(path)' (model:modules() lists them)")
            }
            guard target is UnaryModule else {
                throw args.error(2, "'\(path)' is a \(target.kind), which is not called as one layer (hook one of its children)")
            }
            let id = object.nextHookID
            object.nextHookID += 1
            target.forwardHooks.append(ForwardHook(id: id) { output in
                let result = try function.call([.string(path), .object(output)]).first ?? .nil
                guard result.isPresent else { return output }
                guard let replacement = result.object(as: Tensor.self), replacement.shape == output.shape else {
                    throw LuaError.argument("forward hook on '\(path)': must return nothing or a Tensor of shape \(output.shape), got \(result.errorDescription)")
                }
                return replacement
            })
            return [.object(HookObject(module: target, id: id, path: path))]
        }
        modelClass.method("remove_hooks", doc: """
            model:remove_hooks() -> integer
            Removes every forward hook from the model's modules; returns how many there were.
            """) { object, _ in
            var removed = 0
            for (_, module) in object.adapted.base.namedModules() {
                removed += module.forwardHooks.count
                module.forwardHooks.removeAll()
            }
            return [.integer(removed)]
        }
    }
}
