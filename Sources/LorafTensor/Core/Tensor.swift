import LorafKernels

/// A Float32 tensor: a shape, strides and an offset into a shared `TensorStorage`.
///
/// Tensors are row-major. Views (`reshaped`, `transposed`, `slice(axis:range:)` along the first axis) share
/// storage with their source; operations that need dense memory call `contiguous()`, which copies only when the
/// layout requires it.
///
/// Autodiff: a tensor with `requiresGrad` records how later tensors are computed from it (see `GradNode`);
/// `backward()` on a scalar result fills `grad` of every leaf that requires a gradient, accumulating across calls
/// until `zeroGrad()`. A frozen parameter (`requiresGrad == false`) receives no gradient, and the operations that
/// use it skip the work of computing one.
///
/// ```swift
/// let w = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGrad()
/// let loss = try w.matmul(w).sum()
/// try loss.backward()
/// print(w.grad!)   // Tensor [2, 2] [[7, 11], [9, 13]]
/// ```
public final class Tensor {
    /// Extent of each axis.
    public let shape: [Int]
    /// Elements to skip to move one step along each axis.
    public let strides: [Int]
    /// Index of element [0, 0, ...] in `storage`.
    public let offset: Int
    /// The memory, possibly shared with other tensors.
    public let storage: TensorStorage

    /// Whether gradients flow to (leaf) or through (result) this tensor.
    public internal(set) var requiresGrad: Bool = false
    /// Accumulated gradient of a leaf, same shape as the tensor; nil until the first `backward()` that reaches it.
    public var grad: Tensor?
    /// The operation that produced this tensor, when it was recorded for autodiff.
    var node: GradNode?

    /// Number of elements (the product of `shape`; 1 for a scalar of shape []).
    public var count: Int { shape.reduce(1, *) }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// A tensor over `storage` with the given layout. Throws when the layout reaches outside the storage.
    public init(shape: [Int], strides: [Int]? = nil, offset: Int = 0, storage: TensorStorage) throws {
        let count = try TensorShape.elementCount(shape, op: "Tensor")
        let strides = strides ?? Tensor.rowMajorStrides(shape)
        guard strides.count == shape.count, strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
            throw TensorError.invalidArgument(op: "Tensor", message: "invalid shape \(shape), strides \(strides) or offset \(offset)")
        }
        // The last element's index, computed so that a huge stride is an error rather than an overflow trap.
        var last = offset
        for (extent, stride) in zip(shape, strides) where extent > 0 {
            let (step, overflow1) = (extent - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflow2) = last.addingReportingOverflow(step)
            guard !overflow1, !overflow2 else {
                throw TensorError.invalidArgument(op: "Tensor", message: "shape \(shape) with strides \(strides) reaches past any storage")
            }
            last = sum
        }
        guard count == 0 || last < storage.count else {
            throw TensorError.invalidArgument(op: "Tensor", message: "shape \(shape) at offset \(offset) exceeds storage of \(storage.count) elements")
        }
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.storage = storage
    }

    /// Unchecked layout initialiser for operations that already validated it.
    init(uncheckedShape shape: [Int], strides: [Int], offset: Int, storage: TensorStorage) {
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.storage = storage
    }

    /// A new dense tensor of `shape`, zero-filled. `shape` must be one that exists (taken from a tensor or checked
    /// with ``TensorShape``); for a shape from user input use ``zeros(_:)``, which checks it.
    public convenience init(zeros shape: [Int]) {
        let storage = TensorStorage(count: shape.reduce(1, *))
        self.init(uncheckedShape: shape, strides: Tensor.rowMajorStrides(shape), offset: 0, storage: storage)
    }

    /// A new dense tensor of `shape` whose memory is not initialised: for operations that write every element.
    convenience init(uninitialized shape: [Int]) {
        let storage = TensorStorage(count: shape.reduce(1, *), zeroed: false)
        self.init(uncheckedShape: shape, strides: Tensor.rowMajorStrides(shape), offset: 0, storage: storage)
    }

    /// A new dense tensor of `shape`, zero-filled, after checking the shape (``TensorShape/allocatableCount(_:op:)``).
    /// - Throws: `TensorError.invalidArgument` for a negative extent, a count that overflows, or a size larger
    ///   than the machine's memory (the message gives the size asked for).
    public static func zeros(_ shape: [Int]) throws -> Tensor {
        _ = try TensorShape.allocatableCount(shape, op: "zeros")
        return Tensor(zeros: shape)
    }

    /// A new dense tensor of `shape` whose memory is not initialised, after checking the shape as ``zeros(_:)``
    /// does: for operations that form a new shape (matmul, broadcasting) and write every element.
    convenience init(allocating shape: [Int], op: String) throws {
        _ = try TensorShape.allocatableCount(shape, op: op)
        self.init(uninitialized: shape)
    }

    /// A dense tensor holding `scalars` in row-major order. Throws when the count differs from the shape's.
    public convenience init(shape: [Int], scalars: [Float]) throws {
        let count = try TensorShape.elementCount(shape, op: "Tensor")
        guard count == scalars.count else {
            throw TensorError.invalidArgument(op: "Tensor", message: "shape \(shape) needs \(count) values, got \(scalars.count)")
        }
        self.init(uninitialized: shape)
        scalars.withUnsafeBufferPointer { src in
            if let p = src.baseAddress { storage.base.update(from: p, count: scalars.count) }
        }
    }

    /// A scalar tensor (shape []).
    public convenience init(scalar: Float) {
        self.init(uninitialized: [])
        storage.base[0] = scalar
    }

    /// A dense tensor of `shape` with every element equal to `value`.
    public convenience init(repeating value: Float, shape: [Int]) {
        self.init(uninitialized: shape)
        storage.base.update(repeating: value, count: shape.reduce(1, *))
    }

    /// Marks this leaf as trainable and returns it.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        if !flag { grad = nil }
        return self
    }

    /// Row-major strides for `shape`.
    public static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = acc
            acc *= Swift.max(shape[i], 1)
        }
        return strides
    }

    /// Whether elements are laid out densely in row-major order starting at `offset`.
    public var isContiguous: Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Pointer to the first element. Only meaningful as dense memory when `isContiguous`.
    public var data: UnsafeMutablePointer<Float> { storage.base + offset }

    /// The elements in row-major order (a copy).
    public var scalars: [Float] {
        let dense = contiguousData()
        return Array(UnsafeBufferPointer(start: dense.data, count: count))
    }

    /// The row-major index of the first NaN or infinite element; nil when every element is finite.
    public var firstNonFiniteIndex: Int? {
        let dense = contiguousData()
        for i in 0..<count where !dense.data[i].isFinite { return i }
        return nil
    }

    /// The single value of a one-element tensor. Throws for any other size.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.invalidArgument(op: "item", message: "tensor of shape \(shape) has \(count) elements, expected 1")
        }
        return contiguousData().data[0]
    }

    /// A dense copy of the values without autodiff bookkeeping (self when already dense).
    func contiguousData() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(uninitialized: shape)
        copyStrided(into: out.data)
        return out
    }

    /// Copies the elements in row-major order into `dst` (which must hold `count` elements).
    func copyStrided(into dst: UnsafeMutablePointer<Float>) {
        let n = count
        if n == 0 { return }
        if rank == 0 { dst[0] = data[0]; return }
        let src = storage.base
        let innerLen = shape[rank - 1], innerStride = strides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var written = 0
        var position = offset
        while written < n {
            if innerStride == 1 {
                (dst + written).update(from: src + position, count: innerLen)
            } else {
                for j in 0..<innerLen { dst[written + j] = src[position + j * innerStride] }
            }
            written += innerLen
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                position += strides[axis]
                if index[axis] < shape[axis] { break }
                position -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// This tensor's values without its autodiff history: a new leaf sharing storage that requires no gradient.
    public func detached() -> Tensor {
        Tensor(uncheckedShape: shape, strides: strides, offset: offset, storage: storage)
    }

    /// A dense copy (new storage) without autodiff history.
    public func copy() -> Tensor {
        let out = Tensor(uninitialized: shape)
        if isContiguous {
            let (from, to) = (data, out.data)   // one memcpy per parallel run of 64 Ki floats
            Parallel.forEach(count: count, grain: 1 << 16) { span in
                (to + span.lowerBound).update(from: from + span.lowerBound, count: span.count)
            }
        } else {
            copyStrided(into: out.data)
        }
        return out
    }

    /// Overwrites this tensor's elements with `other`'s (same shape). Not recorded for autodiff.
    public func assign(_ other: Tensor) throws {
        guard other.shape == shape else {
            throw TensorError.shapeMismatch(op: "assign", lhs: shape, rhs: other.shape, detail: "")
        }
        guard isContiguous else { throw TensorError.invalidArgument(op: "assign", message: "target is a non-contiguous view") }
        other.copyStrided(into: data)
        storage.noteWritten()
    }
}

extension Tensor: CustomStringConvertible {
    /// `Tensor [2, 3] [[1, 2, 3], [4, 5, 6]]`, eliding the middle of long axes.
    public var description: String {
        let values = scalars
        func render(_ axis: Int, _ start: Int) -> String {
            if axis == rank { return formatScalar(values[start]) }
            let n = shape[axis]
            let step = shape[(axis + 1)...].reduce(1, *)
            let shown: [Int] = n > 8 ? Array(0..<3) + [-1] + Array((n - 3)..<n) : Array(0..<n)
            let parts = shown.map { $0 < 0 ? "..." : render(axis + 1, start + $0 * step) }
            return "[" + parts.joined(separator: ", ") + "]"
        }
        return "Tensor \(shape) " + (count == 0 ? "[]" : render(0, 0))
    }
}

/// Shortest readable rendering of a Float: integers without a fraction, others with up to 6 significant digits.
func formatScalar(_ x: Float) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e7 { return String(Int(x)) }
    var s = String(format: "%.6g", Double(x))
    if s.contains("e") { return s }
    while s.contains("."), s.hasSuffix("0") { s.removeLast() }
    return s
}

import Foundation
