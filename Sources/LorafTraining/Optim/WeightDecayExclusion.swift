/// Which parameters weight decay applies to, by name.
public enum WeightDecayExclusion {
    /// The default rule, matching what Hugging Face transformers' `Trainer` does (`get_decay_parameter_names`):
    /// no weight decay for biases and for the weights of normalisation layers. Without module types at hand it
    /// decides from the name alone: a parameter is excluded when its name, lower-cased, contains `bias`, or one of
    /// its dot-separated components contains `layernorm` or `rmsnorm`, is `norm`, or ends in `_norm` (so
    /// `encoder.layer.0.output.LayerNorm.weight` and `...query.bias` are excluded, `...query.lora_A.weight` is not).
    /// - Returns: `true` when weight decay should apply to `name`.
    public static func transformersDefault(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if lowered.contains("bias") { return false }
        for component in lowered.split(separator: ".") {
            if component.contains("layernorm") || component.contains("rmsnorm") || component == "norm"
                || component.hasSuffix("_norm") {
                return false
            }
        }
        return true
    }

    /// Weight decay for every parameter (torch's behaviour with a single parameter group).
    public static func all(_ name: String) -> Bool { true }
}
