import Foundation

/// LoRA's settings, with PEFT's names and defaults (peft.LoraConfig).
///
/// - `r`: rank of the update (default 8). `lora_alpha` (default 8): scale numerator.
/// - scaling s = lora_alpha / r, or lora_alpha / √r with `use_rslora` (Kalajdzievski 2023).
/// - `lora_dropout`: dropout on the LoRA branch's input only, off in evaluation.
/// - `init_lora_weights`: true (A kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in); B = 0, so a new adapter
///   leaves the model unchanged), "gaussian" (A ~ N(0, 1/r), B = 0) or false (A and B random: for tests).
/// - `rank_pattern` / `alpha_pattern`: per-module r / lora_alpha, keyed by a pattern matched against the end of the
///   module path as PEFT does (`(.*\.)?(pattern)$`).
/// - `bias`: "none", "all" (every bias of the model trains) or "lora_only" (biases of the adapted layers).
/// - target selection: `target_modules`, `layers_to_transform`, `exclude_modules` (see `TargetSelector`).
public struct LoRAConfig {
    public var r: Int
    public var loraAlpha: Double
    public var loraDropout: Double
    public var useRSLoRA: Bool
    public var initialization: String
    public var rankPattern: [String: Double]
    public var alphaPattern: [String: Double]
    public var bias: String
    public var selector: TargetSelector
    /// The options as given, for writing adapter_config.json.
    var targetModulesValue: OptionValue
    var layersToTransform: [Int]?
    var excludeValue: OptionValue?

    /// Reads and validates the options (every error names the option and the value).
    init(_ options: inout Options, defaultTargets: [String]) throws {
        r = try options.int("r", default: 8, minimum: 1, maximum: LoRAConfig.maximumRank)
        loraAlpha = try options.double("lora_alpha", default: 8, in: LoRAConfig.alphaRange)
        loraDropout = try options.double("lora_dropout", default: 0, in: 0...0.999)
        useRSLoRA = try options.bool("use_rslora", default: false)
        switch options.raw("init_lora_weights") {
        case nil, .bool(true)?: initialization = "default"
        case .bool(false)?: initialization = "random"
        case .string("gaussian")?: initialization = "gaussian"
        case let other?: throw options.fail("init_lora_weights", "true, false or \"gaussian\"", other)
        }
        rankPattern = try options.numberTable("rank_pattern", in: 1...Double(LoRAConfig.maximumRank), integral: true)
        alphaPattern = try options.numberTable("alpha_pattern", in: LoRAConfig.alphaRange)
        bias = try options.string("bias", default: "none", allowed: ["none", "all", "lora_only"]) ?? "none"
        if try options.bool("fan_in_fan_out", default: false) {
            throw StrategyError.invalidOption("\(options.context): 'fan_in_fan_out' = true is for GPT-2 style Conv1D weights; these models use Linear")
        }
        let targets = options.raw("target_modules") ?? .list(defaultTargets.map(OptionValue.string))
        targetModulesValue = targets
        guard let pattern = try TargetSelector.Pattern.from(targets, key: "target_modules", context: options.context) else {
            throw StrategyError.invalidOption("\(options.context): 'target_modules' is required")
        }
        layersToTransform = try options.ints("layers_to_transform")
        excludeValue = options.raw("exclude_modules")
        selector = TargetSelector(targets: pattern, layers: layersToTransform,
                                  exclude: try TargetSelector.Pattern.from(excludeValue, key: "exclude_modules", context: options.context))
    }

    /// The largest rank accepted (for `r` and rank_pattern): far above any hidden size in use, and small enough
    /// that r · features cannot overflow.
    static let maximumRank = 65_536
    /// lora_alpha and alpha_pattern values.
    static let alphaRange: ClosedRange<Double> = 0...1e9

    /// Whether the rank_pattern / alpha_pattern key `key` selects `path` (PEFT: `(.*\.)?(key)$`).
    static func pattern(_ key: String, matches path: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: "^(.*\\.)?(" + key + ")$") else { return false }
        return re.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }

    /// r and lora_alpha for the module at `path` after rank_pattern / alpha_pattern.
    func rankAndAlpha(for path: String) -> (r: Int, alpha: Double) {
        func lookup(_ table: [String: Double]) -> Double? {
            table.keys.sorted().first { LoRAConfig.pattern($0, matches: path) }.flatMap { table[$0] }
        }
        return (lookup(rankPattern).map { Int($0) } ?? r, lookup(alphaPattern) ?? loraAlpha)
    }

    /// Throws for a rank_pattern or alpha_pattern entry that selects none of the adapted modules `targets`
    /// (a typo would otherwise go unnoticed), naming the entry and listing near matches among the targets.
    func checkPatterns(against targets: [String], context: String) throws {
        for (option, table) in [("rank_pattern", rankPattern), ("alpha_pattern", alphaPattern)] {
            for key in table.keys.sorted() where !targets.contains(where: { LoRAConfig.pattern(key, matches: $0) }) {
                let near = NearMatches.suggestions(for: key, among: targets)
                throw StrategyError.noMatch("\(context): \(option) entry '\(key)' matches none of the adapted modules"
                                            + (near.isEmpty ? "" : " (near matches: \(near.joined(separator: ", ")))"))
            }
        }
    }

    /// The scale s applied to B·A for rank `r` and `alpha`.
    func scaling(r: Int, alpha: Double) -> Float {
        Float(useRSLoRA ? alpha / Double(r).squareRoot() : alpha / Double(r))
    }

    /// adapter_config.json fields (PEFT's keys).
    var savedFields: [String: OptionValue] {
        [
            "r": .int(r), "lora_alpha": loraAlpha == loraAlpha.rounded() ? .int(Int(loraAlpha)) : .double(loraAlpha),
            "lora_dropout": .double(loraDropout), "use_rslora": .bool(useRSLoRA), "bias": .string(bias),
            "target_modules": targetModulesValue, "fan_in_fan_out": .bool(false),
            "init_lora_weights": initialization == "gaussian" ? .string("gaussian") : .bool(initialization != "random"),
            "rank_pattern": .table(rankPattern.mapValues { .int(Int($0)) }),
            "alpha_pattern": .table(alphaPattern.mapValues { $0 == $0.rounded() ? .int(Int($0)) : .double($0) }),
            "layers_to_transform": layersToTransform.map { .list($0.map(OptionValue.int)) } ?? .null,
            "exclude_modules": excludeValue ?? .null,
        ]
    }

    /// Keys `attach` understands (for reading saved configs).
    static let knownKeys: Set<String> = ["r", "lora_alpha", "lora_dropout", "use_rslora", "init_lora_weights", "rank_pattern",
                                         "alpha_pattern", "bias", "fan_in_fan_out", "target_modules", "layers_to_transform",
                                         "exclude_modules", "modules_to_save"]
}
