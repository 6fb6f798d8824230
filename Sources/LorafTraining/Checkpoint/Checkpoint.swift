import Foundation

/// One complete checkpoint folder, `checkpoint-<step>/`:
/// `optimizer.safetensors` (``OptimizerState``), `trainer_state.json` (``TrainerState``), `adapter/` (whatever
/// the training loop's adapter writer put there) and `manifest.json`, written last, listing every other file with
/// its size in bytes, so a folder that lost files (a deletion cut short) is recognised as incomplete.
public struct Checkpoint: Equatable, Sendable {
    /// The global step it was saved after.
    public let step: Int
    /// The checkpoint folder.
    public let url: URL

    static let optimizerFile = "optimizer.safetensors"
    static let trainerStateFile = "trainer_state.json"
    static let adapterFolder = "adapter"
    static let namePrefix = "checkpoint-"
    static let manifestFile = "manifest.json"

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

    /// Whether the folder holds every part (``problems`` is empty).
    var isComplete: Bool { problems.isEmpty }

    /// What is missing or wrong, e.g. `adapter/adapter_model.safetensors is missing`; empty for a complete
    /// checkpoint. With a manifest, every listed file must exist with its size; a folder without one (made by an
    /// older loraf) must hold the three parts.
    public var problems: [String] {
        let manager = FileManager.default
        guard let data = manager.contents(atPath: url.appendingPathComponent(Self.manifestFile).path) else {
            var isFolder: ObjCBool = false
            var missing = [Self.optimizerFile, Self.trainerStateFile].filter { !manager.fileExists(atPath: url.appendingPathComponent($0).path) }
            if !(manager.fileExists(atPath: adapterURL.path, isDirectory: &isFolder) && isFolder.boolValue) { missing.append(Self.adapterFolder + "/") }
            return missing.map { "\($0) is missing" }
        }
        guard let sizes = try? JSONDecoder().decode([String: Int].self, from: data) else { return ["\(Self.manifestFile) is not readable"] }
        return sizes.keys.sorted().compactMap { path in
            let attributes = try? manager.attributesOfItem(atPath: url.appendingPathComponent(path).path)
            guard let size = (attributes?[.size] as? NSNumber)?.intValue else { return "\(path) is missing" }
            return size == sizes[path] ? nil : "\(path) has \(size) bytes, the manifest says \(sizes[path] ?? 0)"
        }
    }

    /// Writes `manifest.json`: every regular file under the folder (relative path → size in bytes).
    /// - Throws: ``CheckpointError/io(operation:path:reason:)``.
    func writeManifest() throws {
        let manager = FileManager.default
        var sizes: [String: Int] = [:]
        let root = url.standardizedFileURL.path
        for case let file as URL in manager.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]) ?? .init() {
            guard let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true else { continue }
            sizes[String(file.standardizedFileURL.path.dropFirst(root.count + 1))] = values.fileSize ?? 0
        }
        let data = try JSONSerialization.data(withJSONObject: sizes, options: [.sortedKeys])
        try DurableFiles.write(data, to: url.appendingPathComponent(Self.manifestFile))
    }
}
