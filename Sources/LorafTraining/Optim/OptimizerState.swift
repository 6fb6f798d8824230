import LorafTensor

/// An optimizer's saved state: per-parameter buffers and step counts, independent of any model.
///
/// Buffers are keyed `<buffer>.<parameter name>` with torch's buffer names: `exp_avg.<name>` and
/// `exp_avg_sq.<name>` for ``AdamW``, `momentum_buffer.<name>` for ``SGD``; each has its parameter's shape.
/// Step counts (AdamW's bias-correction `t`) are kept per parameter name. On disk it is one safetensors file
/// (see ``write(to:)``).
public struct OptimizerState {
    /// Which optimizer wrote it: `"adamw"` or `"sgd"`.
    public let kind: String
    /// Buffers keyed `<buffer>.<parameter name>`, dense Float32 tensors.
    public let buffers: [String: Tensor]
    /// Optimizer steps taken per parameter name (absent for optimizers without a step count).
    public let steps: [String: Int]

    public init(kind: String, buffers: [String: Tensor], steps: [String: Int]) {
        self.kind = kind
        self.buffers = buffers
        self.steps = steps
    }

    /// The buffers called `buffer` (e.g. `"exp_avg"`), keyed by parameter name.
    func buffers(named buffer: String) -> [String: Tensor] {
        let prefix = buffer + "."
        var result: [String: Tensor] = [:]
        for (key, tensor) in buffers where key.hasPrefix(prefix) {
            result[String(key.dropFirst(prefix.count))] = tensor
        }
        return result
    }

    /// Checks that the state was written by `kind`, that every buffer key starts with one of `bufferNames` and
    /// names a parameter of `parameters` with the same shape, and that every step count names a parameter.
    /// - Throws: ``OptimizerError/incompatibleState(_:)`` naming the first mismatch.
    func validate(kind expected: String, bufferNames: [String], for parameters: [NamedParameter]) throws {
        guard kind == expected else {
            throw OptimizerError.incompatibleState("saved by optimizer '\(kind)', restoring into '\(expected)'")
        }
        let shapes = Dictionary(parameters.map { ($0.name, $0.tensor.shape) }, uniquingKeysWith: { first, _ in first })
        for key in buffers.keys.sorted() {
            guard let buffer = bufferNames.first(where: { key.hasPrefix($0 + ".") }) else {
                throw OptimizerError.incompatibleState("unknown buffer '\(key)' for optimizer '\(kind)'")
            }
            let name = String(key.dropFirst(buffer.count + 1))
            guard let shape = shapes[name] else {
                throw OptimizerError.incompatibleState("buffer '\(key)' is for parameter '\(name)', which is not being trained")
            }
            let saved = buffers[key]?.shape ?? []
            guard saved == shape else {
                throw OptimizerError.incompatibleState("buffer '\(key)' has shape \(saved), parameter '\(name)' has \(shape)")
            }
        }
        for (name, count) in steps.sorted(by: { $0.key < $1.key }) {
            guard shapes[name] != nil else {
                throw OptimizerError.incompatibleState("step count for parameter '\(name)', which is not being trained")
            }
            guard count >= 0 else {
                throw OptimizerError.incompatibleState("negative step count \(count) for parameter '\(name)'")
            }
        }
    }
}
