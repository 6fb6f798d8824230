/// A dense row-major tensor of integers: token ids, attention masks, labels, argmax results.
public struct IntTensor: Equatable, CustomStringConvertible {
    /// Extent of each axis.
    public let shape: [Int]
    /// The values in row-major order (`shape.reduce(1, *)` of them).
    public let scalars: [Int]

    /// Throws when the number of values differs from the shape's element count.
    public init(shape: [Int], scalars: [Int]) throws {
        let count = try TensorShape.elementCount(shape, op: "IntTensor")
        guard count == scalars.count else {
            throw TensorError.invalidArgument(op: "IntTensor", message: "shape \(shape) needs \(count) values, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    init(uncheckedShape shape: [Int], scalars: [Int]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// Number of elements.
    public var count: Int { scalars.count }

    /// Row `i` of a rank-2 tensor.
    public func row(_ i: Int) -> ArraySlice<Int> {
        let width = shape.last ?? 1
        return scalars[(i * width)..<((i + 1) * width)]
    }

    /// The values as Float32 (for masks used in arithmetic).
    public func toFloat() -> Tensor {
        // Cannot fail: the shape and count agree by construction.
        let out = Tensor(zeros: shape)
        for (i, v) in scalars.enumerated() { out.data[i] = Float(v) }
        return out
    }

    public var description: String { "IntTensor \(shape) \(scalars.count > 16 ? Array(scalars.prefix(16)).description + "..." : scalars.description)" }
}
