import Foundation

/// Opens the weight source a path names, choosing the kind from the path.
public enum WeightSources {
    /// The index file name of a sharded safetensors folder.
    public static let shardIndexName = "model.safetensors.index.json"
    /// The weights file name of an unsharded safetensors folder.
    public static let singleFileName = "model.safetensors"

    /// Opens `url` as:
    /// - a file ending in `.gguf`: `GGUFFile`;
    /// - a file ending in `.safetensors`: `SafeTensorsFile`;
    /// - a file ending in `.safetensors.index.json`: `ShardedSafeTensors`;
    /// - a folder: its `model.safetensors.index.json` (`ShardedSafeTensors`) when present, else its
    ///   `model.safetensors` (`SafeTensorsFile`).
    /// - Throws: `WeightSourceError` (`notFound`, `unknownKind`, `folderWithoutWeights`), or the
    ///   chosen reader's error.
    public static func open(_ url: URL) throws -> any WeightSource {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw WeightSourceError(path: url.path, problem: .notFound)
        }
        if isFolder.boolValue {
            let index = url.appendingPathComponent(shardIndexName)
            if FileManager.default.fileExists(atPath: index.path) { return try ShardedSafeTensors(indexURL: index) }
            let single = url.appendingPathComponent(singleFileName)
            if FileManager.default.fileExists(atPath: single.path) { return try SafeTensorsFile(contentsOf: single) }
            throw WeightSourceError(path: url.path, problem: .folderWithoutWeights)
        }
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".gguf") { return try GGUFFile(contentsOf: url) }
        if name.hasSuffix(".safetensors") { return try SafeTensorsFile(contentsOf: url) }
        if name.hasSuffix(".safetensors.index.json") { return try ShardedSafeTensors(indexURL: url) }
        throw WeightSourceError(path: url.path, problem: .unknownKind)
    }
}
