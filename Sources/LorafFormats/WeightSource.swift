import Foundation

/// A file (or folder of files) of named tensors that a model loads its weights from: one
/// safetensors file (`SafeTensorsFile`), a sharded safetensors folder (`ShardedSafeTensors`) or a
/// GGUF file (`GGUFFile`). `WeightSources.open(_:)` picks the kind from a path.
///
/// Names are the file's own (`model.layers.0.self_attn.q_proj.weight` in safetensors,
/// `blk.0.attn_q.weight` in GGUF); mapping between the two is the model family's business.
/// Shapes are outermost first (PyTorch order) for every kind, so a GGUF tensor with ggml
/// `ne = [576, 1536]` reports `[1536, 576]`: 1536 rows of 576 elements.
public protocol WeightSource: AnyObject, Sendable {
    /// The file or folder the weights were read from.
    var url: URL { get }
    /// Every tensor's name, in file order (for a sharded folder: shard by shard, see `ShardedSafeTensors`).
    var tensorNames: [String] { get }
    /// The tensor's shape (outermost first), dtype and byte count.
    /// - Throws: the source's error type with `noSuchTensor` when there is no tensor `name`.
    func tensorInfo(_ name: String) throws -> WeightTensorInfo
    /// The tensor's raw little-endian bytes, straight from the file mapping: valid while the
    /// source lives; aligned only as far as the file aligns them (read with `loadUnaligned`).
    /// - Throws: the source's error type with `noSuchTensor` when there is no tensor `name`.
    func tensorBytes(_ name: String) throws -> UnsafeRawBufferPointer
    /// What keeps `tensorBytes` valid (the file mapping): whoever keeps the bytes retains this rather than the
    /// source, which may hold much more (a GGUF file's parsed vocabulary and merges).
    var bytesOwner: AnyObject { get }
    /// Lets the pages of tensor `name` leave the process's resident memory once its bytes were copied (a loader
    /// converts F32 values or reorders blocks), so the weights are not resident twice. The bytes stay readable
    /// (a mapped file reads them again when touched). A no-op for an unknown name or a source that is not mapped.
    func releasePages(ofTensor name: String)
}

/// A tensor's description common to every weight source.
public struct WeightTensorInfo: Equatable, Sendable {
    public let name: String
    /// Dimensions outermost first (row-major); `[]` is a scalar (safetensors only).
    public let shape: [Int]
    public let dtype: WeightDType
    /// Bytes of data: `shape.product × element size`, or the block count × block size for block types.
    public let byteCount: Int

    public init(name: String, shape: [Int], dtype: WeightDType, byteCount: Int) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.byteCount = byteCount
    }

    /// Number of elements (the product of `shape`, 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// The element type of a weight-source tensor: a plain element type (safetensors' dtypes; GGUF's
/// F32, F16, BF16, F64, I8...I64 map to these) or a GGML block-quantized type.
public enum WeightDType: Hashable, Sendable, CustomStringConvertible {
    /// One element after another, little-endian.
    case element(SafeTensorsDType)
    /// GGML blocks of `elementsPerBlock` elements along the innermost dimension.
    case blocks(GGMLType)

    /// The dtype of a GGUF tensor of `type`: plain ggml types become `.element`.
    public init(_ type: GGMLType) {
        switch type {
        case .f32: self = .element(.f32)
        case .f16: self = .element(.f16)
        case .bf16: self = .element(.bf16)
        case .f64: self = .element(.f64)
        case .i8: self = .element(.i8)
        case .i16: self = .element(.i16)
        case .i32: self = .element(.i32)
        case .i64: self = .element(.i64)
        default: self = .blocks(type)
        }
    }

    /// The name as its format spells it: "F32", "BF16", "Q4_1".
    public var description: String {
        switch self {
        case .element(let dtype): return dtype.rawValue
        case .blocks(let type): return type.name
        }
    }
}

extension WeightSource {
    /// The source itself.
    public var bytesOwner: AnyObject { self }

    /// Keeps everything resident (a source whose bytes are not a file mapping).
    public func releasePages(ofTensor name: String) {}

    /// True when the source has a tensor called `name`.
    public func contains(_ name: String) -> Bool {
        (try? tensorInfo(name)) != nil
    }

    /// The tensor's elements converted to `Float`, row-major: F32 as is, F16 and BF16 widened
    /// exactly, F64 rounded to nearest (the same conversions as `SafeTensorsFile.floats`).
    /// - Throws: the source's `noSuchTensor`; `WeightSourceError.Problem.notConvertible` for any
    ///   other dtype (block types are dequantized by the kernels, not here).
    public func floats(_ name: String) throws -> [Float] {
        let info = try tensorInfo(name)
        guard case .element(let dtype) = info.dtype,
              let values = ElementDecoding.floats(try tensorBytes(name), dtype: dtype) else {
            throw WeightSourceError(path: url.path, tensor: name, problem: .notConvertible(dtype: info.dtype, to: "Float"))
        }
        return values
    }

    /// Writes the tensor's elements, converted as ``floats(_:)`` converts them, straight into `destination`, which
    /// must hold exactly the tensor's element count: a loader fills a parameter without an intermediate array.
    /// - Throws: as ``floats(_:)``; `WeightSourceError.Problem.destinationSize` when `destination` has another count.
    public func readFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let info = try tensorInfo(name)
        guard case .element(let dtype) = info.dtype, ElementDecoding.isFloat(dtype) else {
            throw WeightSourceError(path: url.path, tensor: name, problem: .notConvertible(dtype: info.dtype, to: "Float"))
        }
        guard destination.count == info.elementCount else {
            throw WeightSourceError(path: url.path, tensor: name, problem: .destinationSize(elements: info.elementCount, destination: destination.count))
        }
        if let base = destination.baseAddress { _ = ElementDecoding.decodeFloats(try tensorBytes(name), dtype: dtype, into: base) }
    }
}
