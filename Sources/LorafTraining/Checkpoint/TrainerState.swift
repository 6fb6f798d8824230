import Foundation

/// Everything besides weights and optimizer buffers that a resumed run needs to continue exactly where the saved
/// one stopped. The training loop fills it; a checkpoint stores it as `trainer_state.json` (snake_case keys;
/// non-finite numbers as the strings "NaN", "Infinity", "-Infinity").
public struct TrainerState: Codable, Equatable, Sendable {
    /// Optimizer steps taken so far (the step the checkpoint was saved after).
    public var globalStep: Int
    /// 0-based epoch in progress.
    public var epoch: Int
    /// The batch sampler's position and generator (nil when the loop does not use a ``BatchSampler``).
    public var sampler: BatchSamplerState?
    /// The dropout generator's state words (e.g. the four words of a ``RandomGenerator``).
    public var dropoutGeneratorState: [UInt64]
    /// The last step the learning-rate schedule was asked for (its next step is this + 1).
    public var schedulePosition: Int
    /// The best evaluation metric so far and the step it was reached at (nil before the first evaluation).
    public var bestMetric: MetricPoint?
    /// Training loss per logged step so far.
    public var lossHistory: [MetricPoint]
    /// The evaluation metric per evaluation so far.
    public var evalHistory: [MetricPoint]

    public init(globalStep: Int, epoch: Int, sampler: BatchSamplerState?, dropoutGeneratorState: [UInt64],
                schedulePosition: Int, bestMetric: MetricPoint?, lossHistory: [MetricPoint], evalHistory: [MetricPoint]) {
        self.globalStep = globalStep
        self.epoch = epoch
        self.sampler = sampler
        self.dropoutGeneratorState = dropoutGeneratorState
        self.schedulePosition = schedulePosition
        self.bestMetric = bestMetric
        self.lossHistory = lossHistory
        self.evalHistory = evalHistory
    }

    /// The JSON text written to `trainer_state.json` (pretty-printed, sorted keys).
    /// - Throws: `EncodingError` (not expected for valid values).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Reads `trainer_state.json`.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when unreadable,
    ///   ``CheckpointError/malformed(path:reason:)`` when not a valid trainer state.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.io(operation: "read", path: url.path, reason: error.localizedDescription)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do { self = try decoder.decode(TrainerState.self, from: data) } catch {
            throw CheckpointError.malformed(path: url.path, reason: "not a valid trainer state: \(error)")
        }
    }
}
