import Foundation
import LorafFormats
import LorafModels
import LorafTensor

/// `loraf.safetensors.load` and `loraf.safetensors.save`.
enum SafeTensorsBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let safetensors = module.state.module("\(module.name).safetensors", doc: """
            Reading and writing safetensors files (https://github.com/huggingface/safetensors).
            """)
        safetensors.function("load", doc: """
            loraf.safetensors.load(path) -> {name = Tensor or table}, metadata
            Reads every tensor of the file at `path`. Float tensors (F32, F16, BF16, F64) become Tensors (Float32); \
            integer and boolean tensors (I8...I64, U8...U64, BOOL) become nested lists of integers with their \
            shape, so ids keep their exact values. The second result is the file's `__metadata__` as a table of \
            strings. Errors name the file and tensor for a missing, corrupt or truncated file.
            """) { args in
            let file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: try args.string(1)))
            var tensors: [String: LuaValue] = [:]
            for entry in file.entries {
                if isFloat(entry.dtype) {
                    tensors[entry.name] = args.result(try file.tensor(entry.name))
                } else {
                    let integers = try file.integers(entry.name)
                    tensors[entry.name] = TensorConversion.nested(shape: entry.shape) { .integer(integers[$0]) }
                }
            }
            return [.record(tensors), .record(file.metadata.mapValues(LuaValue.string))]
        }
        safetensors.function("save", doc: """
            loraf.safetensors.save(path, tensors [, metadata])
            Writes `tensors` (a table name -> Tensor, stored as F32) and `metadata` (a table of strings, stored as \
            `__metadata__`) to `path`, replacing any file there atomically: on error the old file is untouched.
            """) { args in
            let path = try args.string(1)
            let tensors = try namedValues(args, 2, "Tensor") { $0.object(as: Tensor.self) }
            let metadata = try namedValues(args, 3, "string") { $0.stringValue }
            let entries = tensors.map { name, tensor in
                SafeTensorsWriter.Tensor.float32(name, shape: tensor.shape, values: tensor.scalars)
            }
            try SafeTensorsWriter.write(entries, metadata: metadata, to: URL(fileURLWithPath: path))
            return []
        }
    }

    private static func isFloat(_ dtype: SafeTensorsDType) -> Bool {
        [.f16, .bf16, .f32, .f64].contains(dtype)
    }

    /// A table with string keys whose values all convert with `read`; an absent argument is empty.
    private static func namedValues<T>(_ args: LuaArguments, _ position: Int, _ expected: String,
                                       _ read: (LuaValue) -> T?) throws -> [String: T] {
        switch args.value(position) {
        case .nil: return [:]
        case .list(let items) where items.isEmpty: return [:]
        case .record(let fields):
            var result: [String: T] = [:]
            for (key, value) in fields {
                guard let converted = read(value) else {
                    throw args.error(position, "entry '\(key)' is \(value.errorDescription), expected a \(expected)")
                }
                result[key] = converted
            }
            return result
        case let other:
            throw args.error(position, "table of name = \(expected) expected, got \(other.errorDescription)")
        }
    }
}
