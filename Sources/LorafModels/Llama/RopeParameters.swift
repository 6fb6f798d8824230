import Foundation

/// Rotary embedding frequencies (Su et al. 2021) with the `rope_scaling` kinds real Llama configs use, computed
/// as transformers' `ROPE_INIT_FUNCTIONS` do: default inv_freq[i] = θ^(−2i/d); "linear" divides them by `factor`;
/// "llama3" (Llama 3.1) rescales the low frequencies by `factor` and blends the middle band.
public struct RopeParameters: Equatable {
    public enum Scaling: Equatable {
        case none
        case linear(factor: Double)
        case llama3(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositions: Double)
    }
    public var theta: Double = 10000
    public var scaling: Scaling = .none

    public init(theta: Double = 10000, scaling: Scaling = .none) {
        self.theta = theta
        self.scaling = scaling
    }

    /// From config.json's `rope_theta` and `rope_scaling` object (`rope_type` or the older `type`).
    /// - Throws: `ModelError.invalid` for a kind that is not supported or a missing factor.
    public init(theta: Double, scaling: ConfigReader?, source: String) throws {
        self.theta = theta
        guard let scaling else { return }
        let kind = try scaling.string("rope_type") ?? scaling.string("type") ?? "default"
        func required(_ key: String) throws -> Double {
            guard let value = try scaling.double(key) else { throw ModelError.invalid("\(scaling.source): rope_scaling '\(kind)' needs '\(key)'") }
            return value
        }
        switch kind {
        case "default": self.scaling = .none
        case "linear": self.scaling = .linear(factor: try required("factor"))
        case "llama3":
            self.scaling = .llama3(factor: try required("factor"), lowFreqFactor: try required("low_freq_factor"),
                                   highFreqFactor: try required("high_freq_factor"),
                                   originalMaxPositions: try required("original_max_position_embeddings"))
        default:
            throw ModelError.invalid("\(source): rope_scaling type '\(kind)' is not supported (supported: default, linear, llama3)")
        }
    }

    /// From GGUF metadata: `ARCH.rope.freq_base`, `ARCH.rope.scaling.type` and `.factor`. (Llama 3.1 files carry
    /// their llama3 scaling as a `rope_freqs.weight` tensor instead; those are refused by the loader until read.)
    public init(gguf config: ConfigReader, architecture: String) throws {
        theta = try config.double("\(architecture).rope.freq_base") ?? 10000
        switch try config.string("\(architecture).rope.scaling.type") ?? "none" {
        case "none": scaling = .none
        case "linear":
            scaling = .linear(factor: try config.double("\(architecture).rope.scaling.factor") ?? 1)
        case let other:
            throw ModelError.invalid("\(config.source): \(architecture).rope.scaling.type '\(other)' is not supported (supported: none, linear)")
        }
    }

    /// The d/2 inverse frequencies for head dimension `d`, in Float as transformers computes them.
    public func inverseFrequencies(headDim d: Int) -> [Float] {
        let base = (0..<d / 2).map { i in Float(1) / Float(Foundation.pow(theta, Double(2 * i) / Double(d))) }
        switch scaling {
        case .none: return base
        case let .linear(factor): return base.map { $0 / Float(factor) }
        case let .llama3(factor, low, high, original):
            let lowWavelength = original / low, highWavelength = original / high
            return base.map { f in
                let wavelength = 2 * Double.pi / Double(f)
                if wavelength < highWavelength { return f }
                if wavelength > lowWavelength { return f / Float(factor) }
                let smooth = (original / wavelength - low) / (high - low)
                return Float((1 - smooth) * Double(f) / factor + smooth * Double(f))
            }
        }
    }
}
