import Foundation
import LorafFormats
import LorafTensor

/// The parts of the training loop that differ between ranks of a data-parallel job (docs/distributed.md).
extension Trainer {
    /// The checkpoint a run resumes from, the same on every rank. Each rank reads the run folder itself (it must
    /// be on a file system every rank sees, or copied to every machine); rank 0 opened `store`, the others open
    /// the folder only when it exists, so they create nothing.
    /// - Throws: ``TrainingError/data(_:)`` when the ranks find different checkpoints; checkpoint read errors.
    func checkpointToResume(_ store: CheckpointStore?, group: ProcessGroup) throws -> Checkpoint? {
        guard config.resume, let directory = config.runDirectory else { return nil }
        let reader = try store ?? (FileManager.default.fileExists(atPath: directory.path)
            ? CheckpointStore(directory: directory, keepLast: config.keepCheckpoints) : nil)
        let found = try reader?.latest()
        do {
            try group.requireAgreement(["the step of the checkpoint to resume from (-1: none)": Double(found?.step ?? -1)])
        } catch TrainingError.invalidConfig(let message) {
            throw TrainingError.data("\(directory.path): \(message); the run folder must be on a file system every rank reads")
        }
        return found
    }

    /// The dropout generator of rank `rank` > 0 for optimizer step `step` (0-based). Rank 0 keeps the run's one
    /// continuous generator (saved in checkpoints, as in a single process); the other ranks draw from a stream
    /// fixed by (seed, step, rank), so a resumed job, of any world size, draws what an uninterrupted one would.
    static func dropoutGenerator(seed: UInt64, rank: Int, step: Int) -> RandomGenerator {
        RandomGenerator(seed: seed &+ UInt64(step), stream: UInt64(rank) << 32 | 5)
    }

    /// The examples of `order` this rank scores: every `size`-th from position `rank`, so that each rank gets
    /// examples of every length when `order` is sorted by length.
    static func evaluationShard(_ order: [Int], group: ProcessGroup) -> [Int] {
        guard group.size > 1 else { return order }
        return stride(from: group.rank, to: order.count, by: group.size).map { order[$0] }
    }

    /// Sums the ranks' partial evaluations: each rank's `predictions` hold its own examples' classes and zeros
    /// elsewhere, so the element-wise sum is every prediction; the loss sums add up. One Double all-reduce of
    /// `predictions.count + 1` values (exact: class ids and sums of a few thousand losses).
    static func reduceEvaluation(_ predictions: inout [Int], lossSum: inout Double, group: ProcessGroup) throws {
        guard group.size > 1 else { return }
        var values = predictions.map(Double.init) + [lossSum]
        try group.allReduce(&values, .sum)
        predictions = values.dropLast().map { Int($0) }
        lossSum = values[values.count - 1]
    }
}

extension Trainer {
    /// Loads the trainable tensors of a checkpoint (`trainable.safetensors`) into `parameters`.
    /// - Throws: `TrainingError.data` naming the file when a tensor is missing or has another shape.
    static func restoreTrainable(from url: URL, _ parameters: [NamedParameter]) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        for (name, tensor) in parameters {
            guard let entry = file.entries.first(where: { $0.name == name }) else {
                throw TrainingError.data("\(url.path): the checkpoint lacks '\(name)' (was it made with another adapter configuration?)")
            }
            guard entry.shape == tensor.shape else {
                throw TrainingError.data("\(url.path): '\(name)' has shape \(entry.shape), the model expects \(tensor.shape)")
            }
            try tensor.assign(file.tensor(name))
        }
    }
}
