/// What can go wrong opening a weight source by path, reading a sharded safetensors folder, or
/// converting a tensor through the `WeightSource` protocol. Errors inside one file keep their own
/// type (`SafeTensorsError`, `GGUFError`).
///
/// `description` names the path, the tensor when one is concerned, and the shard, e.g.
/// `model.safetensors.index.json: tensor 'lm_head.weight': the index places it in shard 'model-00002-of-00002.safetensors', which does not hold it`.
public struct WeightSourceError: Error, CustomStringConvertible, Equatable {
    /// The file or folder concerned (the index file for a sharded folder).
    public let path: String
    /// The tensor concerned, if any.
    public let tensor: String?
    public let problem: Problem

    public init(path: String, tensor: String? = nil, problem: Problem) {
        self.path = path
        self.tensor = tensor
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        // Opening by path.
        case notFound
        case unknownKind
        case folderWithoutWeights
        // The sharded index.
        case indexSyntax(offset: Int, reason: String)
        case indexNotObject
        case missingWeightMap
        case shardNameNotString
        case shardNameNotPlain(String)
        case missingShard(String)
        case tensorNotInShard(shard: String)
        case tensorInTwoShards(first: String, second: String)
        case tensorNotInIndex(shard: String, indexed: String?)
        // Access.
        case noSuchTensor
        case notConvertible(dtype: WeightDType, to: String)
        case destinationSize(elements: Int, destination: Int)
    }

    public var description: String {
        let subject = tensor.map { "\(path): tensor '\($0)': " } ?? "\(path): "
        return subject + Self.text(problem)
    }

    private static func text(_ problem: Problem) -> String {
        switch problem {
        case .notFound: return "no such file or folder"
        case .unknownKind:
            return "not a weight source: expected a .gguf or .safetensors file, a model.safetensors.index.json, "
                + "or a folder holding one of model.safetensors.index.json or model.safetensors"
        case .folderWithoutWeights: return "folder holds neither model.safetensors.index.json nor model.safetensors"
        case .indexSyntax(let offset, let reason): return "index is not valid JSON at byte \(offset): \(reason)"
        case .indexNotObject: return "index is not a JSON object"
        case .missingWeightMap: return "index has no 'weight_map' object"
        case .shardNameNotString: return "weight_map value is not a string"
        case .shardNameNotPlain(let shard): return "shard name '\(shard)' is not a plain file name in the index's folder"
        case .missingShard(let shard): return "shard '\(shard)' does not exist"
        case .tensorNotInShard(let shard): return "the index places it in shard '\(shard)', which does not hold it"
        case .tensorInTwoShards(let first, let second): return "held by both shard '\(first)' and shard '\(second)'"
        case .tensorNotInIndex(let shard, nil): return "shard '\(shard)' holds it but the index's weight_map does not list it"
        case .tensorNotInIndex(let shard, let indexed?):
            return "shard '\(shard)' holds it but the index places it in shard '\(indexed)'"
        case .noSuchTensor: return "no such tensor"
        case .notConvertible(let dtype, let target): return "dtype \(dtype) cannot be read as \(target)"
        case .destinationSize(let elements, let destination): return "has \(elements) elements but the destination holds \(destination)"
        }
    }
}
