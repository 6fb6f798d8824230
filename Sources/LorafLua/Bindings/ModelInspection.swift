import LorafModels
import LorafTensor

/// `model:modules([pattern])` and `model:parameters()`.
enum ModelInspection {
    static func register(on modelClass: LuaClass<ModelObject>) {
        modelClass.method("modules", doc: """
            model:modules([pattern]) -> {{path = string, kind = string, shape = {...}, parameters = {...}}}
            Every module in tree order whose path contains `pattern` as plain text or matches it as a Lua pattern \
            (all modules without one). `kind` is the layer type ("Linear", "LayerNorm", "LoRALinear"...), `shape` \
            the shape of its `weight` when it has one, and `parameters` maps each of its own parameter names to \
            its shape. The root module's path is "".
            """) { object, args in
            let pattern = try args.optionalString(2)
            let find = pattern == nil ? nil : try luaFind(args)
            var rows: [LuaValue] = []
            for (path, module) in object.adapted.base.namedModules() {
                if let pattern, let find, !path.contains(pattern) {
                    do {
                        guard try find.call([.string(path), .string(pattern)]).first?.isPresent == true else { continue }
                    } catch let error as LuaError {
                        throw args.error(2, error.message)
                    }
                }
                var parameters: [String: LuaValue] = [:]
                for name in module.parameterNames {
                    if let tensor = module.parameterIfPresent(name) { parameters[name] = shape(tensor) }
                }
                rows.append(.record([
                    "path": .string(path), "kind": .string(module.kind),
                    "shape": module.parameterIfPresent("weight").map(shape) ?? .nil,
                    "parameters": .record(parameters),
                ]))
            }
            return [.list(rows)]
        }
        modelClass.method("parameters", doc: """
            model:parameters() -> {total = n, trainable = n, list = {{path, shape, count, trainable}}}
            Every parameter tensor in tree order with its element count and whether training updates it (the \
            active adapter's parameters and modules_to_save copies; everything when no adapter is attached), and \
            the element totals.
            """) { object, _ in
            let trainable = Set(object.adapted.trainableParameters.map(\.path))
            var list: [LuaValue] = []
            var total = 0, trainableTotal = 0
            for (path, tensor) in object.adapted.allParameters {
                let isTrainable = trainable.contains(path)
                total += tensor.count
                if isTrainable { trainableTotal += tensor.count }
                list.append(.record(["path": .string(path), "shape": shape(tensor), "count": .integer(tensor.count),
                                     "trainable": .boolean(isTrainable)]))
            }
            return [.record(["total": .integer(total), "trainable": .integer(trainableTotal), "list": .list(list)])]
        }
    }

    /// `tostring(model)`: a header, then one line per module, indented by depth, with its full Hugging Face path
    /// (what model:parameter and model:on_forward take), its kind, its configuration and its parameters' shapes;
    /// parameters that train are marked `trains`.
    static func tree(_ object: ModelObject) -> String {
        let model = object.adapted.base
        let trainable = Set(object.adapted.trainableParameters.map { ObjectIdentifier($0.tensor) })
        let total = object.adapted.allParameters.reduce(0) { $0 + $1.tensor.count }
        var lines = ["\(model.kind) from \(object.directory.lastPathComponent): \(total) parameters, \(object.adapted.adapterNames.count) adapter(s)"]
        for (path, module) in model.namedModules() where !path.isEmpty {
            let parameters = module.parameterNames.compactMap { name in
                module.parameterIfPresent(name).map { "\(name) \($0.shape)" + (trainable.contains(ObjectIdentifier($0)) ? " trains" : "") }
            }
            let detail = ([module.summaryLine].filter { !$0.isEmpty } + parameters).joined(separator: ", ")
            let depth = path.split(separator: ".").count - 1
            lines.append(String(repeating: "  ", count: depth) + path + ": " + module.kind + (detail.isEmpty ? "" : " (\(detail))"))
        }
        return lines.joined(separator: "\n")
    }

    private static func shape(_ tensor: Tensor) -> LuaValue { .list(tensor.shape.map(LuaValue.integer)) }

    /// Lua's `string.find`, for matching paths against a Lua pattern.
    private static func luaFind(_ args: LuaArguments) throws -> LuaFunction {
        guard case .record(let library) = args.state.global("string"), let find = library["find"]?.functionValue else {
            throw LuaError.argument("\(args.function): the Lua string library is not available")
        }
        return find
    }
}
