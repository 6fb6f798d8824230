/// Turning a saved adapter_config.json back into `attach` options.
public enum SavedConfig {
    /// PEFT fields whose default is not null/false/{}/[] (they only matter when a feature using them is on).
    static let peftDefaults: [String: OptionValue] = ["qalora_group_size": .int(16), "megatron_core": .string("megatron.core")]

    /// Drops bookkeeping keys and keys loraf does not use whose value is PEFT's default (null, false, {} or []);
    /// throws for an unknown key with any other value, since silently ignoring a feature (use_dora = true) would
    /// load a different adapter than the one saved.
    public static func attachOptions(_ config: [String: OptionValue], known: Set<String>, strategy: String) throws -> [String: OptionValue] {
        var options: [String: OptionValue] = [:]
        for (key, value) in config where !adapterFileBookkeepingKeys.contains(key) {
            if known.contains(key) { options[key] = value; continue }
            if peftDefaults[key] == value { continue }
            switch value {
            case .null, .bool(false), .table([:]), .list([]): continue
            default:
                throw StrategyError.adapterFile("adapter_config.json: '\(key)' = \(value) is a \(strategy) feature loraf does not implement")
            }
        }
        return options
    }
}
