import LorafKernels

/// Reductions over axes. Axes may be negative (counted from the end).
extension Tensor {
    /// Normalises `axis` (negative counts from the end). Throws when out of range.
    func normalizedAxis(_ axis: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < Swift.max(rank, 1) else {
            throw TensorError.invalidArgument(op: op, message: "axis \(axis) is out of range for shape \(shape)")
        }
        return a
    }

    /// Views a dense tensor as [outer, extent(axis), inner].
    func splitAround(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum over `axes` (all axes when nil). With `keepDims` the reduced axes stay with extent 1.
    /// Gradient: the output gradient broadcast back over the reduced axes.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let axesList = try (axes ?? Array(0..<rank)).map { try normalizedAxis($0, op: "sum") }
        let reducedSet = Set(axesList)
        var current = contiguousData()
        if count == 0 {
            // Nothing to add: zeros of the kept shape (the loop below would allocate its intermediate shapes).
            let kept = shape.enumerated().map { reducedSet.contains($0.offset) ? 1 : $0.element }
            current = try Tensor.zeros(kept)
        }
        for axis in reducedSet.sorted() where count > 0 {
            let (outer, length, inner) = current.splitAround(axis)
            var newShape = current.shape
            newShape[axis] = 1
            let out = Tensor(zeros: newShape)
            let x = current.data, y = out.data
            // Parallel over (outer index, block of inner columns); each output element adds its `length` terms in order.
            let block = 1024, blocks = (inner + block - 1) / block
            Parallel.forEach(count: outer * blocks, grain: Swift.max(1, 16_384 / Swift.max(1, length * Swift.min(inner, block)))) { units in
                for unit in units {
                    let o = unit / blocks, columns = (unit % blocks * block)..<Swift.min(inner, unit % blocks * block + block)
                    let dst = y + o * inner
                    for l in 0..<length {
                        let src = x + (o * length + l) * inner
                        for i in columns { dst[i] += src[i] }
                    }
                }
            }
            current = out
        }
        let keptShape = current.shape
        let finalShape = keepDims ? keptShape : shape.enumerated().filter { !reducedSet.contains($0.offset) }.map(\.element)
        let result = Tensor(uncheckedShape: finalShape, strides: Tensor.rowMajorStrides(finalShape), offset: 0, storage: current.storage)
        let inputShape = shape
        return Tensor.record(result, name: "sum", inputs: [self]) { g, _ in
            [g.reshapedData(keptShape).broadcastView(to: inputShape).contiguousData()]
        }
    }

    /// Mean over `axes` (all when nil): the sum divided by the number of elements reduced.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let axesList = try (axes ?? Array(0..<rank)).map { try normalizedAxis($0, op: "mean") }
        let n = Set(axesList).reduce(1) { $0 * shape[$1] }
        return try sum(axes: axesList, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Maximum over one axis. The gradient flows to the first position holding the maximum.
    public func max(axis: Int, keepDims: Bool = false) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "max")
        let (values, winners) = try maxima(along: a, op: "max")
        let (outer, length, inner) = splitAround(a)
        var keptShape = shape
        keptShape[a] = 1
        let out = try Tensor(shape: keptShape, scalars: values)
        let finalShape = keepDims ? keptShape : shape.enumerated().filter { $0.offset != a }.map(\.element)
        let result = out.reshapedData(finalShape)
        let inputShape = shape
        return Tensor.record(result, name: "max", inputs: [self]) { g, _ in
            let dx = Tensor(zeros: inputShape)
            let gd = g.contiguousData().data
            for o in 0..<outer {
                for i in 0..<inner { dx.data[(o * length + winners[o * inner + i]) * inner + i] = gd[o * inner + i] }
            }
            return [dx]
        }
    }

    /// Index of the maximum along `axis` (first on ties), as integers; the axis is removed.
    public func argmax(axis: Int = -1) throws -> IntTensor {
        let a = try normalizedAxis(axis, op: "argmax")
        let (_, winners) = try maxima(along: a, op: "argmax")
        return IntTensor(uncheckedShape: shape.enumerated().filter { $0.offset != a }.map(\.element), scalars: winners)
    }

    /// The maximum along axis `a` (already normalised) and its first position, for every other index, in
    /// row-major order of the remaining axes. Throws when the axis is empty.
    private func maxima(along a: Int, op: String) throws -> (values: [Float], positions: [Int]) {
        guard shape[a] > 0 else { throw TensorError.invalidArgument(op: op, message: "axis \(a) of shape \(shape) is empty") }
        let x = contiguousData()
        let (outer, length, inner) = x.splitAround(a)
        var values = [Float](repeating: 0, count: outer * inner), positions = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = x.data[o * length * inner + i], bestL = 0
                for l in 1..<length where x.data[(o * length + l) * inner + i] > best {
                    best = x.data[(o * length + l) * inner + i]
                    bestL = l
                }
                values[o * inner + i] = best
                positions[o * inner + i] = bestL
            }
        }
        return (values, positions)
    }
}
