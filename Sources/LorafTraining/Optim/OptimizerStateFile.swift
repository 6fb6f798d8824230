import Foundation
import LorafFormats
import LorafModels
import LorafTensor

extension OptimizerState {
    /// Metadata key holding ``kind``.
    static let kindKey = "optimizer"
    /// Prefix of the metadata keys holding step counts: `step.<parameter name>` → decimal count.
    static let stepKeyPrefix = "step."

    /// Writes the state as one safetensors file, atomically (temporary file, fsync, rename): each buffer an F32
    /// tensor under its key, and in `__metadata__` `optimizer` = ``kind`` and `step.<name>` = the step count.
    /// - Throws: `SafeTensorsError` for I/O failures; the file at `url` is then left as it was.
    public func write(to url: URL) throws {
        let tensors = buffers.keys.sorted().compactMap { key in
            buffers[key].map { SafeTensorsWriter.Tensor.float32(key, shape: $0.shape, values: $0.scalars) }
        }
        var metadata = [Self.kindKey: kind]
        for (name, count) in steps { metadata[Self.stepKeyPrefix + name] = String(count) }
        try SafeTensorsWriter.write(tensors, metadata: metadata, to: url)
    }

    /// Reads a state written by ``write(to:)``.
    /// - Throws: `SafeTensorsError` when the file is unreadable or not valid safetensors;
    ///   ``OptimizerError/incompatibleState(_:)`` when the metadata lacks `optimizer` or a step count is not a
    ///   non-negative integer.
    public init(contentsOf url: URL) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        guard let kind = file.metadata[Self.kindKey] else {
            throw OptimizerError.incompatibleState("\(url.path): metadata has no '\(Self.kindKey)' entry")
        }
        var steps: [String: Int] = [:]
        for (key, value) in file.metadata where key.hasPrefix(Self.stepKeyPrefix) {
            guard let count = Int(value), count >= 0 else {
                throw OptimizerError.incompatibleState("\(url.path): metadata '\(key)' = '\(value)' is not a step count")
            }
            steps[String(key.dropFirst(Self.stepKeyPrefix.count))] = count
        }
        var buffers: [String: Tensor] = [:]
        for entry in file.entries { buffers[entry.name] = try file.tensor(entry.name) }
        self.init(kind: kind, buffers: buffers, steps: steps)
    }
}
