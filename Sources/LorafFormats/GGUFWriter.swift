import Foundation

/// Writes GGUF version 3 files that llama.cpp and the Python `gguf` package read: to export
/// llama.cpp LoRA adapters and merged models, and to make test files.
///
/// ```swift
/// try GGUFWriter.write(metadata: [.init("general.architecture", .string("llama"))],
///                      tensors: [.init(name: "blk.0.attn_q.weight", shape: [576, 576], type: .q4_1, bytes: blocks)],
///                      to: url)
/// ```
public enum GGUFWriter {
    /// llama.cpp refuses tensor names of `GGML_MAX_NAME` (64) bytes or more.
    public static let maximumNameLength = 63

    /// A tensor to write: its name, shape outermost first (PyTorch order; the file stores it
    /// reversed as ggml's `ne`), type, and its bytes in ggml layout (elements little-endian, or
    /// blocks of `type.bytesPerBlock` bytes along the innermost dimension).
    public struct Tensor {
        public let name: String
        public let shape: [Int]
        public let type: GGMLType
        public let bytes: [UInt8]

        public init(name: String, shape: [Int], type: GGMLType, bytes: [UInt8]) {
            self.name = name
            self.shape = shape
            self.type = type
            self.bytes = bytes
        }

        /// An F32 tensor; `values.count` must equal the product of `shape`.
        public static func float32(_ name: String, shape: [Int], values: [Float]) -> Tensor {
            var writer = GGUFByteWriter()
            values.forEach { writer.integer($0.bitPattern) }
            return Tensor(name: name, shape: shape, type: .f32, bytes: writer.bytes)
        }

        /// An F16 tensor: `values` rounded to IEEE half precision (to nearest even; beyond ±65504 they become
        /// ±infinity); `values.count` must equal the product of `shape`.
        public static func float16(_ name: String, shape: [Int], values: [Float]) -> Tensor {
            var writer = GGUFByteWriter()
            values.forEach { writer.integer(Float16($0).bitPattern) }
            return Tensor(name: name, shape: shape, type: .f16, bytes: writer.bytes)
        }
    }

    /// Writes `metadata` (in the order given) and `tensors` (in the order given, each at the next
    /// multiple of the alignment and padded to it) to `url`, replacing any file there atomically.
    /// The alignment is `general.alignment` when `metadata` has it (a uint32 power of two), else 32.
    ///
    /// - Throws: `GGUFError` before anything is written for a duplicate or empty key, a bad
    ///   `general.alignment`, an empty, duplicate or too long (over 63 bytes) tensor name, a shape
    ///   without 1 to 4 dimensions each ≥ 1, an innermost dimension that is not a multiple of the
    ///   block size, or bytes whose count disagrees with the shape and type; `ioFailure` when
    ///   writing fails (the file at `url` is then left untouched).
    public static func write(metadata: [GGUFMetadata.Entry], tensors: [Tensor], to url: URL) throws {
        let file = url.path
        let checked = try GGUFMetadata(entries: metadata, file: file)
        if let empty = metadata.first(where: { $0.key.isEmpty }) {
            throw GGUFError(file: file, subject: .key(empty.key), problem: .emptyName)
        }
        let alignment = try GGUFFile.alignment(of: checked)
        try check(tensors, file: file)
        let header = header(metadata: metadata, tensors: tensors, alignment: alignment)
        let zeros = [UInt8](repeating: 0, count: alignment)
        do {
            try AtomicFileWriter.write(to: url) { sink in
                try header.withUnsafeBytes { try sink.write($0) }
                for tensor in tensors {
                    try tensor.bytes.withUnsafeBytes { try sink.write($0) }
                    try zeros[0..<padding(tensor.bytes.count, alignment)].withUnsafeBytes { try sink.write($0) }
                }
            }
        } catch {
            throw GGUFError.converting(error, file: file)
        }
    }

    /// Everything before the data section: fixed header, metadata, tensor infos, padding.
    private static func header(metadata: [GGUFMetadata.Entry], tensors: [Tensor], alignment: Int) -> [UInt8] {
        var header = GGUFByteWriter()
        header.integer(UInt32(bigEndian: 0x4747_5546))  // "GGUF"
        header.integer(UInt32(3))
        header.integer(UInt64(tensors.count))
        header.integer(UInt64(metadata.count))
        for entry in metadata {
            header.string(entry.key)
            header.integer(entry.value.type.rawValue)
            header.value(entry.value)
        }
        var offset = 0
        for tensor in tensors {
            header.string(tensor.name)
            header.integer(UInt32(tensor.shape.count))
            tensor.shape.reversed().forEach { header.integer(UInt64($0)) }
            header.integer(tensor.type.rawValue)
            header.integer(UInt64(offset))
            offset += tensor.bytes.count + padding(tensor.bytes.count, alignment)
        }
        header.pad(to: alignment)
        return header.bytes
    }

    /// Names, shapes and byte counts, checked before anything is written.
    private static func check(_ tensors: [Tensor], file: String) throws {
        var names = Set<String>()
        for tensor in tensors {
            func failure(_ problem: GGUFError.Problem) -> GGUFError {
                GGUFError(file: file, subject: .tensor(tensor.name), problem: problem)
            }
            guard !tensor.name.isEmpty else { throw failure(.emptyName) }
            guard tensor.name.utf8.count <= maximumNameLength else {
                throw failure(.nameTooLong(bytes: tensor.name.utf8.count, limit: maximumNameLength))
            }
            guard names.insert(tensor.name).inserted else { throw failure(.duplicateTensorName) }
            guard (1...GGUFByteReader.maximumDimensionCount).contains(tensor.shape.count), tensor.shape.allSatisfy({ $0 >= 1 }) else {
                throw failure(.badShape(tensor.shape))
            }
            let dimensions = Array(tensor.shape.reversed())
            guard dimensions[0] % tensor.type.elementsPerBlock == 0 else {
                throw failure(.notBlockMultiple(innermost: dimensions[0], type: tensor.type))
            }
            guard let byteCount = tensor.type.byteCount(dimensions: dimensions) else {
                throw failure(.sizeOverflow(dimensions: dimensions, type: tensor.type))
            }
            guard byteCount == tensor.bytes.count else {
                throw failure(.payloadSizeMismatch(expected: byteCount, given: tensor.bytes.count))
            }
        }
    }
}
