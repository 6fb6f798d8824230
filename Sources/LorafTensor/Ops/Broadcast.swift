/// NumPy broadcasting: shapes are aligned at their last axis; each pair of extents must be equal or one of them 1.
func broadcastShape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        guard x == y || x == 1 || y == 1 else {
            throw TensorError.shapeMismatch(op: op, lhs: a, rhs: b, detail: "axis \(i - rank) has \(x) vs \(y), and neither is 1")
        }
        out[i] = x == 1 ? y : x
    }
    _ = try TensorShape.allocatableCount(out, op: op)
    return out
}

/// Strides that read a dense tensor of `shape` as if broadcast to `target` (0 along broadcast axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let dense = Tensor.rowMajorStrides(shape)
    let pad = target.count - shape.count
    return (0..<target.count).map { i in
        i < pad || shape[i - pad] == 1 ? 0 : dense[i - pad]
    }
}

extension Tensor {
    /// A view of this tensor's values broadcast to `target` (strides 0 along repeated axes). Not differentiable.
    func broadcastView(to target: [Int]) -> Tensor {
        let dense = contiguousData()
        return Tensor(uncheckedShape: target, strides: broadcastStrides(shape, to: target), offset: dense.offset, storage: dense.storage)
    }

    /// Sums this gradient down to `target` (the shape of an operand that was broadcast): the reverse of
    /// broadcasting. Returns self when the shapes already match.
    func sumTo(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let pad = rank - target.count
        var axes: [Int] = Array(0..<pad)
        for (i, extent) in target.enumerated() where extent == 1 && shape[pad + i] != 1 { axes.append(pad + i) }
        let reduced = try sum(axes: axes, keepDims: true)
        return try reduced.reshaped(target)
    }
}
