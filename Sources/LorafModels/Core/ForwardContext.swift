import LorafTensor

/// State shared by every layer during one forward pass.
///
/// - `training`: dropout active (taken from the model's mode when the pass starts).
/// - `rng`: the dropout generator; a seed fixes every mask.
/// - `rowAdapters`: for mixed-adapter batches, the adapter name (or nil for the base model) of each example; a
///   layer that sees a tensor [batch, ...] or [batch·seq, ...] maps its rows to examples with `rowsPerExample`.
public final class ForwardContext {
    public var training: Bool
    public var rng: RandomGenerator
    public var rowAdapters: [String?]?

    public init(training: Bool, rng: RandomGenerator = RandomGenerator(seed: 0), rowAdapters: [String?]? = nil) {
        self.training = training
        self.rng = rng
        self.rowAdapters = rowAdapters
    }

    /// Dropout with this pass's generator and mode.
    public func dropout(_ x: Tensor, _ p: Float) throws -> Tensor {
        try x.dropout(p, training: training, rng: &rng)
    }
}
