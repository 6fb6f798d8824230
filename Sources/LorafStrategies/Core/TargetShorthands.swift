import LorafModels

/// The target-selection shorthands that depend on the model, resolved once for every strategy before it attaches
/// (`AdaptedModel.adapt`), so the strategy and its saved adapter_config.json see plain module paths and layer indices:
///
/// - `target_modules = "all-linear"` (PEFT's `INCLUDE_LINEAR_LAYERS_SHORTHAND`): every linear layer of the model,
///   Float32 `Linear` and GGUF `QuantizedLinear` alike, except its head modules (`headModulePaths`: lm_head,
///   classifier, score). It becomes the list of their paths (PEFT also saves the expanded set, as leaf names).
/// - `layers_to_transform` with negative indices counting from the end, as Python indexing: with 30 layers,
///   `{-2, -1}` is `{28, 29}`. PEFT itself only takes indices from 0, so the saved config holds the resolved ones.
extension TargetSelector {
    /// The `target_modules` value that selects every linear layer but the head.
    public static let allLinear = "all-linear"

    /// Paths of every linear layer of `model` outside its head modules, in model order. A layer already wrapped by an
    /// adapter is listed by its wrapper's path (as every target is); a module that trains in full through
    /// modules_to_save is not a linear layer to adapt and is left out.
    public static func allLinearPaths(in model: TransformerModel) -> [String] {
        let heads = model.headModulePaths
        return model.namedModules().compactMap { path, module in
            guard !path.isEmpty, !AdapterPaths.isInsideWrapper(path), !(module is ModulesToSaveWrapper),
                  innermostLinear(module) != nil,
                  !heads.contains(where: { path == $0 || path.hasPrefix($0 + ".") }) else { return nil }
            return path
        }
    }

    /// The number of numbered layers (`layers.<i>`, `layer.<i>`...) of `model`: one more than the largest index.
    static func layerCount(of model: TransformerModel) -> Int {
        (model.namedModules().compactMap { TargetSelector.layerIndex(of: $0.path) }.max() ?? -1) + 1
    }

    /// `options` with `target_modules = "all-linear"` expanded and negative `layers_to_transform` indices resolved.
    /// - Throws: `StrategyError.invalidOption` for a layers_to_transform that is not a list of integers;
    ///   `.noMatch` for a negative index beyond the first layer, naming the valid range.
    static func resolvingShorthands(_ options: Options, in model: TransformerModel) throws -> Options {
        var values = options.values
        if values["target_modules"] == .string(allLinear) {
            values["target_modules"] = .list(allLinearPaths(in: model).map(OptionValue.string))
        }
        var probe = options
        if let layers = try probe.ints("layers_to_transform"), layers.contains(where: { $0 < 0 }) {
            let count = layerCount(of: model)
            values["layers_to_transform"] = .list(try layers.map { index in
                guard index < 0 else { return .int(index) }
                guard index >= -count else {
                    throw StrategyError.noMatch("\(options.context): layers_to_transform has layer \(index), which does not exist (\(layerRange(count)))")
                }
                return .int(count + index)
            })
        }
        return Options(values, context: options.context)
    }

    /// "layers are numbered 0...5; -1 is the last" for a model of `count` layers.
    static func layerRange(_ count: Int) -> String {
        count == 0 ? "the model has no numbered layers" : "layers are numbered 0...\(count - 1); -1 is the last"
    }
}
