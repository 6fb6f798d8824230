import LorafStrategies

/// IA³'s settings with PEFT's names and defaults (peft.IA3Config).
///
/// - `target_modules`: modules to adapt (list: a path equal to or ending with "." + entry; string: a regular
///   expression of the whole path; "all-linear": every linear layer but the head). Defaults, as PEFT's mapping:
///   BERT key, value, output.dense; Llama and Mistral k_proj, v_proj, down_proj; Qwen2 q_proj, v_proj, down_proj.
/// - `feedforward_modules`: which of those scale their input rather than their output. PEFT's rule: a list entry
///   selects every target whose path ends with it (plain suffix, so "output.dense" also selects
///   attention.output.dense); a string is a regular expression of the whole path. Default: BERT output.dense;
///   Llama, Mistral and Qwen2 down_proj.
///   Each must also be a target.
/// - `exclude_modules`, `layers_to_transform`: as for LoRA (`TargetSelector`).
/// - `init_ia3_weights`: true (vectors of ones: a new adapter leaves the model unchanged) or false (N(0, 1)).
/// - `fan_in_fan_out`: only false (these models use Linear).
struct IA3Config {
    var selector: TargetSelector
    var feedforward: TargetSelector.Pattern
    var randomInit: Bool
    /// The options as given, for adapter_config.json.
    var savedFields: [String: OptionValue]

    /// PEFT's defaults by model type (TRANSFORMERS_MODELS_TO_IA3_TARGET_MODULES_MAPPING and ..._FEEDFORWARD_...).
    static let defaults: [String: (targets: [String], feedforward: [String])] = [
        "bert": (["key", "value", "output.dense"], ["output.dense"]),
        "llama": (["k_proj", "v_proj", "down_proj"], ["down_proj"]),
        "mistral": (["k_proj", "v_proj", "down_proj"], ["down_proj"]),
        "qwen2": (["q_proj", "v_proj", "down_proj"], ["down_proj"]),
    ]

    static let knownKeys: Set<String> = ["target_modules", "feedforward_modules", "exclude_modules", "layers_to_transform",
                                         "init_ia3_weights", "fan_in_fan_out", "modules_to_save"]

    /// Reads and validates the options; every error names the option.
    init(_ options: inout Options, modelType: String) throws {
        let fallback = IA3Config.defaults[modelType]
        let targets = options.raw("target_modules") ?? fallback.map { .list($0.targets.map(OptionValue.string)) }
        let feedforwardValue = options.raw("feedforward_modules") ?? fallback.map { .list($0.feedforward.map(OptionValue.string)) } ?? .list([])
        guard let targets, let pattern = try TargetSelector.Pattern.from(targets, key: "target_modules", context: options.context) else {
            throw StrategyError.invalidOption("\(options.context): 'target_modules' is required (no IA³ default for model type '\(modelType)')")
        }
        let excludeValue = options.raw("exclude_modules")
        let layers = try options.ints("layers_to_transform")
        selector = TargetSelector(targets: pattern, layers: layers,
                                  exclude: try TargetSelector.Pattern.from(excludeValue, key: "exclude_modules", context: options.context))
        feedforward = try TargetSelector.Pattern.from(feedforwardValue, key: "feedforward_modules", context: options.context) ?? .names([])
        randomInit = !(try options.bool("init_ia3_weights", default: true))
        if try options.bool("fan_in_fan_out", default: false) {
            throw StrategyError.invalidOption("\(options.context): 'fan_in_fan_out' = true is for GPT-2 style Conv1D weights; these models use Linear")
        }
        savedFields = [
            "target_modules": targets, "feedforward_modules": feedforwardValue, "exclude_modules": excludeValue ?? .null,
            "layers_to_transform": layers.map { .list($0.map(OptionValue.int)) } ?? .null,
            "init_ia3_weights": .bool(!randomInit), "fan_in_fan_out": .bool(false),
        ]
    }

    /// Whether the target at `path` scales its input (PEFT's `_check_target_module_feedforward`).
    func isFeedforward(_ path: String) -> Bool {
        switch feedforward {
        case let .names(suffixes): return suffixes.contains { path.hasSuffix($0) }
        case .regex: return feedforward.matches(path)
        }
    }
}
