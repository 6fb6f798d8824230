import Foundation

/// Receives a tensor's bytes from a `SafeTensorsWriter.Tensor` byte producer.
public final class SafeTensorsByteSink {
    private let sink: FileSink
    private let file: String
    private let tensor: String
    private let expected: Int
    /// Bytes written so far for this tensor.
    public private(set) var written = 0

    init(sink: FileSink, file: String, tensor: String, expected: Int) {
        self.sink = sink
        self.file = file
        self.tensor = tensor
        self.expected = expected
    }

    /// Appends raw bytes (already little-endian).
    /// - Throws: `payloadSizeMismatch` if this would exceed the tensor's byte count; I/O errors.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard written + bytes.count <= expected else {
            throw SafeTensorsError(file: file, tensor: tensor, problem: .payloadSizeMismatch(expected: expected, given: written + bytes.count))
        }
        try sink.write(bytes)
        written += bytes.count
    }

    /// Appends raw bytes (already little-endian).
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends each value's little-endian bytes.
    func writeLittleEndian<T: FixedWidthInteger>(_ values: some Sequence<T>) throws {
        var chunk: [T] = []
        chunk.reserveCapacity(4096)
        for value in values {
            chunk.append(value.littleEndian)
            if chunk.count == 4096 {
                try chunk.withUnsafeBytes { try write($0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try chunk.withUnsafeBytes { try write($0) }
    }
}

/// Writes safetensors files that the Python `safetensors` package reads, and
/// that are byte-identical to what it writes for the same tensors.
public enum SafeTensorsWriter {
    /// A tensor to write: name, element type, shape and a producer of its bytes.
    public struct Tensor {
        public let name: String
        public let dtype: SafeTensorsDType
        /// Dimensions, outermost first; `[]` is a scalar.
        public let shape: [Int]
        /// Bytes the producer promises (checked against shape × dtype before writing).
        let promisedByteCount: Int?
        let produce: (SafeTensorsByteSink) throws -> Void

        /// A tensor whose little-endian, row-major bytes are given.
        public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
            self.init(name: name, dtype: dtype, shape: shape, promisedByteCount: bytes.count) { try $0.write(bytes) }
        }

        /// A tensor whose bytes `writeBytes` streams into the sink when the file is
        /// written; it must write exactly shape × dtype.byteSize bytes, little-endian, row-major.
        public init(name: String, dtype: SafeTensorsDType, shape: [Int], writeBytes: @escaping (SafeTensorsByteSink) throws -> Void) {
            self.init(name: name, dtype: dtype, shape: shape, promisedByteCount: nil, produce: writeBytes)
        }

        private init(name: String, dtype: SafeTensorsDType, shape: [Int], promisedByteCount: Int?,
                     produce: @escaping (SafeTensorsByteSink) throws -> Void) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.promisedByteCount = promisedByteCount
            self.produce = produce
        }

        /// An F32 tensor; `values.count` must equal the product of `shape`.
        public static func float32(_ name: String, shape: [Int], values: [Float]) -> Tensor {
            Tensor(name: name, dtype: .f32, shape: shape, promisedByteCount: values.count * 4) {
                try $0.writeLittleEndian(values.lazy.map(\.bitPattern))
            }
        }

        /// An I64 tensor; `values.count` must equal the product of `shape`.
        public static func int64(_ name: String, shape: [Int], values: [Int]) -> Tensor {
            Tensor(name: name, dtype: .i64, shape: shape, promisedByteCount: values.count * 8) {
                try $0.writeLittleEndian(values.lazy.map { Int64($0) })
            }
        }
    }

    /// Writes `tensors` and `metadata` to `url`, replacing any file there atomically.
    ///
    /// Layout as the Python package makes it: tensors ordered by descending element
    /// size rank (U64, I64, F64, F32, U32, I32, BF16, F16, U16, I16, F8, I8, U8, BOOL),
    /// then by name; header entries in that same order after `__metadata__` (keys
    /// sorted, omitted when empty); header padded with spaces so the data area starts
    /// at a multiple of 8 bytes.
    ///
    /// - Throws: `SafeTensorsError` before anything is written for a duplicate or
    ///   reserved (`__metadata__`) name, a negative dimension, a shape whose byte
    ///   count overflows, or a byte count that disagrees with shape × dtype; during
    ///   writing for a producer that writes the wrong number of bytes or an I/O
    ///   failure. On any error the file at `url` is left untouched.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let file = url.path
        let sizes = try byteCounts(of: tensors, file: file)
        let order = tensors.indices.sorted { left, right in
            let (a, b) = (tensors[left], tensors[right])
            return a.dtype.layoutRank != b.dtype.layoutRank ? a.dtype.layoutRank > b.dtype.layoutRank : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        var placements: [HeaderJSONEncoding.Placement] = []
        var offset = 0
        for position in order {
            let tensor = tensors[position]
            placements.append(.init(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, begin: offset, end: offset + sizes[position]))
            offset += sizes[position]
        }
        let header = HeaderJSONEncoding.header(placements, metadata: metadata)
        try AtomicFileWriter.write(to: url) { sink in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try sink.write($0) }
            try header.withUnsafeBytes { try sink.write($0) }
            for position in order {
                let tensor = tensors[position]
                let tensorSink = SafeTensorsByteSink(sink: sink, file: file, tensor: tensor.name, expected: sizes[position])
                try tensor.produce(tensorSink)
                guard tensorSink.written == sizes[position] else {
                    throw SafeTensorsError(file: file, tensor: tensor.name,
                                           problem: .payloadSizeMismatch(expected: sizes[position], given: tensorSink.written))
                }
            }
        }
    }

    /// Each tensor's byte count from its shape and dtype, after checking names, shapes
    /// and that the whole data area's size fits in `Int`.
    private static func byteCounts(of tensors: [Tensor], file: String) throws -> [Int] {
        var names = Set<String>()
        var total = 0
        return try tensors.map { tensor in
            func failure(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
                SafeTensorsError(file: file, tensor: tensor.name, problem: problem)
            }
            guard tensor.name != SafeTensorsHeader.metadataKey else { throw failure(.reservedTensorName) }
            guard names.insert(tensor.name).inserted else { throw failure(.duplicateTensorName) }
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else { throw failure(.negativeDimension(shape: tensor.shape)) }
            guard let count = tensor.dtype.byteCount(shape: tensor.shape),
                  !total.addingReportingOverflow(count).overflow else {
                throw failure(.shapeOverflow(shape: tensor.shape, dtype: tensor.dtype))
            }
            total += count
            if let promised = tensor.promisedByteCount, promised != count {
                throw failure(.payloadSizeMismatch(expected: count, given: promised))
            }
            return count
        }
    }
}
