import Foundation

/// A model saved as several safetensors files plus `model.safetensors.index.json`, the layout
/// Hugging Face's `save_pretrained` uses for large models: the index's `weight_map` object maps
/// every tensor name to the shard file (in the index's folder) that holds it.
///
/// Opening reads and validates every shard (as `SafeTensorsFile` does) and checks the index
/// against them: each listed tensor is in the shard the index names, no tensor is in two shards,
/// and no shard holds a tensor the index does not list. `tensorNames` lists the shards in the
/// order the weight_map first names them, each shard's tensors in file order.
public final class ShardedSafeTensors: WeightSource, @unchecked Sendable {
    // Sendable: every stored property is immutable and the shards are Sendable.

    /// The index file.
    public let url: URL
    /// The shard files, in the order the weight_map first names them.
    public let shards: [SafeTensorsFile]
    public let tensorNames: [String]
    private let shardOfTensor: [String: SafeTensorsFile]

    /// Reads the index at `indexURL` and every shard it names.
    /// - Throws: `WeightSourceError` naming the index, the tensor and the shard (bad index JSON, a
    ///   shard name that is not a plain file name, a missing shard, a tensor missing from its shard,
    ///   in two shards, or not in the index); `SafeTensorsError` from a shard that is not valid.
    public init(indexURL: URL) throws {
        let path = indexURL.path
        let weightMap = try Self.weightMap(indexURL)
        var order: [String] = []
        for (tensor, shard) in weightMap where !order.contains(shard) {
            guard !shard.isEmpty, !shard.contains("/"), shard != ".", shard != ".." else {
                throw WeightSourceError(path: path, tensor: tensor, problem: .shardNameNotPlain(shard))
            }
            order.append(shard)
        }
        let folder = indexURL.deletingLastPathComponent()
        let indexed = Dictionary(uniqueKeysWithValues: weightMap)
        var names: [String] = []
        var found: [String: (shard: String, file: SafeTensorsFile)] = [:]
        var shards: [SafeTensorsFile] = []
        for shard in order {
            let shardURL = folder.appendingPathComponent(shard)
            guard FileManager.default.fileExists(atPath: shardURL.path) else {
                let tensor = weightMap.first { $0.shard == shard }?.tensor
                throw WeightSourceError(path: path, tensor: tensor, problem: .missingShard(shard))
            }
            let file = try SafeTensorsFile(contentsOf: shardURL)
            for name in file.tensorNames {
                if let earlier = found[name] {
                    throw WeightSourceError(path: path, tensor: name, problem: .tensorInTwoShards(first: earlier.shard, second: shard))
                }
                guard indexed[name] == shard else {
                    throw WeightSourceError(path: path, tensor: name, problem: .tensorNotInIndex(shard: shard, indexed: indexed[name]))
                }
                found[name] = (shard, file)
                names.append(name)
            }
            shards.append(file)
        }
        if let (tensor, shard) = weightMap.first(where: { found[$0.tensor] == nil }) {
            throw WeightSourceError(path: path, tensor: tensor, problem: .tensorNotInShard(shard: shard))
        }
        url = indexURL
        self.shards = shards
        tensorNames = names
        shardOfTensor = found.mapValues(\.file)
    }

    /// The index's weight_map, in file order.
    private static func weightMap(_ indexURL: URL) throws -> [(tensor: String, shard: String)] {
        let path = indexURL.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightSourceError(path: path, problem: .notFound)
        }
        let root: HeaderJSON
        do {
            root = try data.withUnsafeBytes { try HeaderJSONParser.parse($0) }
        } catch let error as HeaderJSONError {
            throw WeightSourceError(path: path, problem: .indexSyntax(offset: error.offset, reason: error.reason))
        }
        guard case .object(let members) = root else { throw WeightSourceError(path: path, problem: .indexNotObject) }
        guard case .object(let map)? = members.first(where: { $0.key == "weight_map" })?.value else {
            throw WeightSourceError(path: path, problem: .missingWeightMap)
        }
        return try map.map { tensor, value in
            guard case .string(let shard) = value else {
                throw WeightSourceError(path: path, tensor: tensor, problem: .shardNameNotString)
            }
            return (tensor, shard)
        }
    }

    /// The shard file holding `name`.
    /// - Throws: `WeightSourceError.Problem.noSuchTensor`.
    public func shard(of name: String) throws -> SafeTensorsFile {
        guard let file = shardOfTensor[name] else {
            throw WeightSourceError(path: url.path, tensor: name, problem: .noSuchTensor)
        }
        return file
    }

    /// The tensor's shape, dtype and byte count, from its shard.
    /// - Throws: `WeightSourceError.Problem.noSuchTensor`.
    public func tensorInfo(_ name: String) throws -> WeightTensorInfo {
        try shard(of: name).tensorInfo(name)
    }

    /// The tensor's raw bytes in its shard's mapping, valid while this object lives.
    /// - Throws: `WeightSourceError.Problem.noSuchTensor`.
    public func tensorBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        try shard(of: name).tensorBytes(name)
    }

    /// Drops the tensor's pages in its shard from resident memory (``WeightSource/releasePages(ofTensor:)``).
    public func releasePages(ofTensor name: String) {
        (try? shard(of: name))?.releasePages(ofTensor: name)
    }
}

private extension HeaderJSONError {
    /// The parse failure in words (the offset is reported separately).
    var reason: String {
        switch kind {
        case .syntax(let reason): return reason
        case .invalidUTF8: return "a string is not valid UTF-8"
        case .tooDeep(let limit): return "nests deeper than \(limit) levels"
        case .duplicateKey(let key): return "key '\(key)' appears twice"
        }
    }
}
