import LorafKernels
import LorafTensor

/// State shared by every layer during one forward pass.
///
/// - `training`: dropout active (taken from the model's mode when the pass starts).
/// - `rng`: the dropout generator; a seed fixes every mask.
/// - `rowAdapters`: for mixed-adapter batches, the adapter name (or nil for the base model) of each example; a
///   layer that sees a tensor [batch, ...] asks ``rowMask(for:like:)`` which of its rows use an adapter.
/// - `rowExamples`: the example of each row of the tensors the layers now see when those rows are not the
///   examples themselves (a packed batch's tokens, ``PackedTokens``); nil: row i is example i.
/// - `integerActivations`: quantized linear layers may round their input rows to int8 blocks
///   (`ActivationPrecision.int8`); off by default and ignored while training.
/// - `frozenWeightPanels`: where ``Linear`` layers keep their frozen weights' packed SGEMM operands from pass to
///   pass (a trainer sets it for a training run); nil: packed per call.
public final class ForwardContext {
    public var training: Bool
    public var rng: RandomGenerator
    public var rowAdapters: [String?]?
    public var rowExamples: [Int]?
    /// Adapters applied to every row when `rowAdapters` is nil (empty: the base model).
    public var activeAdapters: [String]
    /// When true (and not `training`), ``QuantizedLinear`` layers take the int8-activation kernels where the CPU and
    /// the weight format have them (`Kernels.quantizedLinear(..., activations: .int8)`): faster, but the outputs
    /// move by the rounding of x to 8 bits, so it is for decoding steps only (``TextGenerator`` sets it when
    /// `GenerationOptions.integerActivations` asks), never for training, prefill or parity checks. Default false.
    public var integerActivations = false
    /// Frozen weights' packed SGEMM operands kept across passes by whoever owns the weights' constancy (a training
    /// run); see `FrozenWeightPanels`. Default nil.
    public var frozenWeightPanels: FrozenWeightPanels?

    /// The activation precision that quantized linear layers use in this pass: `.int8` only when
    /// `integerActivations` is set and the pass is not training.
    public var activationPrecision: ActivationPrecision { integerActivations && !training ? .int8 : .float }

    public init(training: Bool, rng: RandomGenerator = RandomGenerator(seed: 0), activeAdapters: [String] = [], rowAdapters: [String?]? = nil) {
        self.training = training
        self.rng = rng
        self.activeAdapters = activeAdapters
        self.rowAdapters = rowAdapters
    }

    /// For a tensor whose first axis is the batch (or, with `rowExamples`, the packed tokens), a [R, 1, ..., 1] mask
    /// of the rows whose example uses `adapter` (nil: the base model), or nil when every row does (no mixed batch).
    /// Throws when the first axis is not B (or the number of packed tokens).
    public func rowMask(for adapter: String?, like x: Tensor) throws -> Tensor? {
        guard let rows = rowAdapters else { return nil }
        let examples = rowExamples ?? Array(rows.indices)
        guard x.rank >= 1, x.shape[0] == examples.count else {
            throw ModelError.invalid("mixed-adapter batch of \(rows.count) examples (\(examples.count) rows) reached a tensor of shape \(x.shape)")
        }
        if rows.allSatisfy({ $0 == adapter }) { return nil }
        return try Tensor(shape: [examples.count] + [Int](repeating: 1, count: x.rank - 1),
                          scalars: examples.map { rows[$0] == adapter ? 1 : 0 })
    }

    /// The adapters that apply to some row of this pass, in first-use order.
    public var adaptersInUse: [String] {
        guard let rows = rowAdapters else { return activeAdapters }
        var seen: [String] = []
        for case let name? in rows where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// Dropout with this pass's generator and mode.
    public func dropout(_ x: Tensor, _ p: Float) throws -> Tensor {
        try x.dropout(p, training: training, rng: &rng)
    }
}
