import LorafModels
import LorafTensor

/// Parameter counts of an adapted model, as PEFT's `print_trainable_parameters`, with a per-adapter breakdown.
public struct ParameterSummary: Equatable, CustomStringConvertible {
    /// One attached adapter's share.
    public struct AdapterCount: Equatable {
        public let name: String
        /// The strategy's name ("lora", "bitfit", "adapter").
        public let strategy: String
        /// Whether `forward` uses it now (active and adapters not disabled).
        public let isActive: Bool
        /// Scalars in the adapter's own tensors (`Adapter.parameters`), modules_to_save copies excluded.
        public let parameters: Int
        /// Module paths with a modules_to_save copy for this adapter, and the scalars in those copies.
        public let modulesToSave: [String]
        public let modulesToSaveParameters: Int
        /// False for an adapter loaded for inference only (its parameters stay frozen).
        public var isTrainable = true
    }

    /// Scalars that training updates now (`AdaptedModel.trainableParameters`).
    public let trainable: Int
    /// Scalars in every tensor of the model tree: base weights (quantized ones too), every adapter's tensors and
    /// modules_to_save copies (what PEFT counts as "all params").
    public let total: Int
    /// Attached adapters in the order they were added.
    public let adapters: [AdapterCount]

    /// 100 · trainable / total (0 for an empty model).
    public var trainablePercent: Double { total == 0 ? 0 : 100 * Double(trainable) / Double(total) }

    /// PEFT's line: `trainable params: 1,181,954 || all params: 23,894,402 || trainable%: 4.9466`.
    public var headline: String {
        "trainable params: \(grouped(trainable)) || all params: \(grouped(total)) || trainable%: \(fixed4(trainablePercent))"
    }

    /// The headline, then one line per adapter:
    /// `  adapter 'sst2' (lora, active): 73,728 params; modules_to_save: classifier (770 params)`; an adapter
    /// loaded for inference only shows `inference only` after its strategy.
    public var description: String {
        ([headline] + adapters.map { a in
            let saved = a.modulesToSave.isEmpty ? "none" : "\(a.modulesToSave.joined(separator: ", ")) (\(grouped(a.modulesToSaveParameters)) params)"
            return "  adapter '\(a.name)' (\(a.strategy)\(a.isTrainable ? "" : ", inference only")\(a.isActive ? ", active" : "")): \(grouped(a.parameters)) params; modules_to_save: \(saved)"
        }).joined(separator: "\n")
    }

    /// `n` with a comma every three digits (as Python's `{:,d}`).
    private func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `x` with four decimals (as Python's `{:.4f}`), rounding half away from zero at the fifth.
    private func fixed4(_ x: Double) -> String {
        let scaled = Int((x * 10_000).rounded())
        let fraction = String(scaled % 10_000)
        return "\(scaled / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}

extension AdaptedModel {
    /// Trainable and total parameter counts and each adapter's share (see `ParameterSummary`); its
    /// `description` is PEFT's print_trainable_parameters line plus one line per adapter.
    public func summary() -> ParameterSummary {
        let count = { (tensors: [(path: String, tensor: Tensor)]) in tensors.reduce(0) { $0 + $1.tensor.count } }
        let adapters = adapterNames.compactMap { name -> ParameterSummary.AdapterCount? in
            guard let adapter = try? adapter(name) else { return nil }
            return ParameterSummary.AdapterCount(name: name, strategy: adapter.strategy.name,
                                                 isActive: name == activeAdapter && !adaptersDisabled,
                                                 parameters: count(adapter.parameters(in: self)),
                                                 modulesToSave: modulesToSavePaths(for: name),
                                                 modulesToSaveParameters: count(modulesToSaveParameters(for: name)),
                                                 isTrainable: !frozenAdapters.contains(name))
        }
        return ParameterSummary(trainable: count(trainableParameters), total: count(allParameters) + base.quantizedScalarCount,
                                adapters: adapters)
    }
}
