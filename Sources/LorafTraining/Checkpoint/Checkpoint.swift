import Foundation

/// One complete checkpoint folder, `checkpoint-<step>/`:
/// `optimizer.safetensors` (``OptimizerState``), `trainer_state.json` (``TrainerState``) and `adapter/` (whatever
/// the training loop's adapter writer put there).
public struct Checkpoint: Equatable, Sendable {
    /// The global step it was saved after.
    public let step: Int
    /// The checkpoint folder.
    public let url: URL

    static let optimizerFile = "optimizer.safetensors"
    static let trainerStateFile = "trainer_state.json"
    static let adapterFolder = "adapter"
    static let namePrefix = "checkpoint-"

    /// The folder holding the adapter files.
    public var adapterURL: URL { url.appendingPathComponent(Self.adapterFolder, isDirectory: true) }
    public var optimizerStateURL: URL { url.appendingPathComponent(Self.optimizerFile) }
    public var trainerStateURL: URL { url.appendingPathComponent(Self.trainerStateFile) }

    /// Reads the optimizer state. - Throws: as ``OptimizerState/init(contentsOf:)``.
    public func optimizerState() throws -> OptimizerState { try OptimizerState(contentsOf: optimizerStateURL) }

    /// Reads the trainer state. - Throws: as ``TrainerState/init(contentsOf:)``.
    public func trainerState() throws -> TrainerState { try TrainerState(contentsOf: trainerStateURL) }

    /// The folder name for `step`: `checkpoint-<step>`.
    static func folderName(step: Int) -> String { namePrefix + String(step) }

    /// The step of a folder named `checkpoint-<digits>`, or nil for any other name.
    static func step(fromFolderName name: String) -> Int? {
        guard name.hasPrefix(namePrefix) else { return nil }
        let digits = name.dropFirst(namePrefix.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// Whether the folder holds all three parts.
    var isComplete: Bool {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        return manager.fileExists(atPath: optimizerStateURL.path) && manager.fileExists(atPath: trainerStateURL.path)
            && manager.fileExists(atPath: adapterURL.path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
