import LorafTensor

/// Where a ``BatchSampler`` is in its run, saved in training checkpoints so that a resumed run sees exactly
/// the batches the uninterrupted run would have seen.
public struct BatchSamplerState: Sendable, Hashable, Codable {
    /// 0-based epoch.
    public let epoch: Int
    /// Batches of this epoch already handed out.
    public let position: Int
    /// The generator as it was before this epoch's order was drawn.
    public let epochStartGenerator: RandomGenerator
    /// The plan's example count and batch size, checked on restore.
    public let exampleCount: Int
    public let batchSize: Int
}

/// Hands out the batches of a ``BatchPlan`` epoch after epoch, deterministically: the same plan and seed give
/// the same sequence of batches. Each epoch's order is drawn from the generator state left by the previous
/// epoch's draw (``BatchPlan/batches(using:)``).
///
/// Use:
/// ```
/// var sampler = BatchSampler(plan: plan, seed: 42)          // or BatchSampler(plan:restoring:)
/// while sampler.epoch < epochs {
///     while let batch = sampler.next() { /* train on batch; checkpoints save sampler.state */ }
/// }
/// ```
public struct BatchSampler: Sendable {
    public let plan: BatchPlan
    /// 0-based epoch of the batches ``next()`` is handing out.
    public private(set) var epoch: Int
    /// Batches of the current epoch already handed out.
    public private(set) var position: Int
    private var epochStartGenerator: RandomGenerator
    private var nextEpochGenerator: RandomGenerator
    private var epochBatches: [[Int]]

    /// Starts at epoch 0 with a generator seeded by `seed`.
    public init(plan: BatchPlan, seed: UInt64) {
        self.init(plan: plan, epoch: 0, position: 0, generator: RandomGenerator(seed: seed))
    }

    /// Resumes from a saved ``state``.
    /// - Throws: ``BatchPlanError/invalid(_:)`` when the state was saved for a plan with another example count
    ///   or batch size, or its epoch or position is out of range.
    public init(plan: BatchPlan, restoring state: BatchSamplerState) throws {
        guard state.exampleCount == plan.exampleCount, state.batchSize == plan.batchSize else {
            throw BatchPlanError.invalid("sampler state is for \(state.exampleCount) examples in batches of"
                + " \(state.batchSize), the plan has \(plan.exampleCount) in batches of \(plan.batchSize)")
        }
        guard state.epoch >= 0, (0...plan.batchesPerEpoch).contains(state.position) else {
            throw BatchPlanError.invalid("sampler state epoch \(state.epoch), position \(state.position) is out of"
                + " range for \(plan.batchesPerEpoch) batches per epoch")
        }
        self.init(plan: plan, epoch: state.epoch, position: state.position, generator: state.epochStartGenerator)
    }

    private init(plan: BatchPlan, epoch: Int, position: Int, generator: RandomGenerator) {
        self.plan = plan
        self.epoch = epoch
        self.position = position
        epochStartGenerator = generator
        nextEpochGenerator = generator
        epochBatches = plan.batches(using: &nextEpochGenerator)
    }

    /// The state to save in a checkpoint.
    public var state: BatchSamplerState {
        BatchSamplerState(epoch: epoch, position: position, epochStartGenerator: epochStartGenerator,
                          exampleCount: plan.exampleCount, batchSize: plan.batchSize)
    }

    /// The next batch of example indices of the current epoch; `nil` once the epoch is exhausted, at which point
    /// the sampler moves on to the next epoch (so the following call returns that epoch's first batch).
    public mutating func next() -> [Int]? {
        if position < epochBatches.count {
            position += 1
            return epochBatches[position - 1]
        }
        epoch += 1
        position = 0
        epochStartGenerator = nextEpochGenerator
        epochBatches = plan.batches(using: &nextEpochGenerator)
        return nil
    }
}
