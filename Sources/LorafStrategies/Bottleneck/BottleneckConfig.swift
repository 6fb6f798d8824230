import LorafModels

/// Bottleneck adapter settings, with AdapterHub's names and defaults (SeqBnConfig and its Houlsby / Pfeiffer
/// presets).
///
/// - `variant`: "houlsby" (adapters after the attention output and the FFN output projections, default
///   non-linearity "swish") or "pfeiffer" (after the FFN output projection only, default "relu").
/// - `reduction_factor` (default 16): the bottleneck has hidden / reduction_factor units (integer division).
/// - `non_linearity`: "relu", "swish"/"silu", "gelu", "gelu_new"/"gelu_pytorch_tanh".
/// - `layers_to_transform`: only these layer indices get adapters (default: all).
struct BottleneckConfig {
    var variant: String
    var reductionFactor: Int
    var nonLinearity: String
    var activation: Activation
    var layersToTransform: [Int]?

    /// Default non-linearity per variant (AdapterHub: HoulsbyConfig "swish", PfeifferConfig "relu").
    static let defaultNonLinearity = ["houlsby": "swish", "pfeiffer": "relu"]

    /// Reads and validates the options (every error names the option and the value).
    init(_ options: inout Options) throws {
        variant = try options.string("variant", default: "houlsby", allowed: BottleneckConfig.defaultNonLinearity.keys.sorted()) ?? "houlsby"
        reductionFactor = try options.int("reduction_factor", default: 16, minimum: 1)
        nonLinearity = try options.string("non_linearity", default: BottleneckConfig.defaultNonLinearity[variant]) ?? "relu"
        guard let activation = Activation(name: nonLinearity) else {
            throw options.fail("non_linearity", "one of \"relu\", \"swish\", \"silu\", \"gelu\", \"gelu_new\"", .string(nonLinearity))
        }
        self.activation = activation
        layersToTransform = try options.ints("layers_to_transform")
    }

    /// The bottleneck width for a layer of `width` outputs. Throws when the reduction factor leaves no unit.
    func bottleneck(forWidth width: Int, context: String) throws -> Int {
        guard width / reductionFactor >= 1 else {
            throw StrategyError.invalidOption("\(context): 'reduction_factor' \(reductionFactor) leaves no bottleneck unit for a layer of width \(width)")
        }
        return width / reductionFactor
    }

    /// adapter_config.json fields.
    var savedFields: [String: OptionValue] {
        ["variant": .string(variant), "reduction_factor": .int(reductionFactor), "non_linearity": .string(nonLinearity),
         "layers_to_transform": layersToTransform.map { .list($0.map(OptionValue.int)) } ?? .null]
    }

    /// Keys `attach` understands (for reading saved configs).
    static let knownKeys: Set<String> = ["variant", "reduction_factor", "non_linearity", "layers_to_transform", "modules_to_save"]
}
