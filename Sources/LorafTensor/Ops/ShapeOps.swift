/// Layout operations: reshape, transpose, permute, slice, concat, split. Views share storage where the layout
/// allows; each is differentiable.
extension Tensor {
    /// Same values, dense, with another shape of the same element count (not recorded for autodiff).
    func reshapedData(_ newShape: [Int]) -> Tensor {
        let dense = contiguousData()
        return Tensor(uncheckedShape: newShape, strides: Tensor.rowMajorStrides(newShape), offset: dense.offset, storage: dense.storage)
    }

    /// The same elements with shape `newShape`; one extent may be -1 (inferred). A view when self is contiguous.
    /// - Throws: `TensorError.shapeMismatch` when the element counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        if let hole = newShape.firstIndex(of: -1) {
            var rest = newShape
            rest.remove(at: hole)
            let known = try TensorShape.elementCount(rest, op: "reshape")
            guard known > 0, count % known == 0, !rest.contains(-1) else {
                throw TensorError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape, detail: "cannot infer the -1 extent")
            }
            target[hole] = count / known
        }
        let targetCount = try TensorShape.elementCount(target, op: "reshape")
        guard targetCount == count else {
            throw TensorError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape, detail: "\(count) elements vs \(targetCount)")
        }
        let out = reshapedData(target)
        let inputShape = shape
        return Tensor.record(out, name: "reshape", inputs: [self]) { g, _ in [g.reshapedData(inputShape)] }
    }

    /// A view with axes `a` and `b` swapped (default: the last two). Matmul reads such views without a copy.
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        let x = try normalizedAxis(a, op: "transpose"), y = try normalizedAxis(b, op: "transpose")
        var newShape = shape, newStrides = strides
        newShape.swapAt(x, y)
        newStrides.swapAt(x, y)
        let out = Tensor(uncheckedShape: newShape, strides: newStrides, offset: offset, storage: storage)
        return Tensor.record(out, name: "transpose", inputs: [self]) { g, _ in [try g.transposed(a, b).contiguousData()] }
    }

    /// Reorders axes: output axis i is input axis `order[i]`. Returns a dense copy.
    public func permuted(_ order: [Int]) throws -> Tensor {
        let axes = try order.map { try normalizedAxis($0, op: "permute") }
        guard axes.count == rank, Set(axes).count == rank else {
            throw TensorError.invalidArgument(op: "permute", message: "\(order) is not a permutation of the \(rank) axes of \(shape)")
        }
        let view = Tensor(uncheckedShape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset, storage: storage)
        let out = view.copy()
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor.record(out, name: "permute", inputs: [self]) { g, _ in [try GradMode.disabled { try g.permuted(inverse) }] }
    }

    /// A dense tensor with the same values (self when already dense).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        let out = copy()
        return Tensor.record(out, name: "contiguous", inputs: [self]) { g, _ in [g] }
    }

    /// Elements `range` along `axis` (a view: no copy).
    public func slice(axis: Int = 0, _ range: Range<Int>) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw TensorError.invalidArgument(op: "slice", message: "range \(range) is outside 0..<\(shape[a]) on axis \(axis) of shape \(shape)")
        }
        var newShape = shape
        newShape[a] = range.count
        let out = Tensor(uncheckedShape: newShape, strides: strides, offset: offset + range.lowerBound * strides[a], storage: storage)
        let inputShape = shape
        return Tensor.record(out, name: "slice", inputs: [self]) { g, _ in
            let dx = Tensor(zeros: inputShape)
            let window = Tensor(uncheckedShape: newShape, strides: dx.strides, offset: range.lowerBound * dx.strides[a], storage: dx.storage)
            g.contiguousData().copyStrided(intoView: window)
            return [dx]
        }
    }

    /// Writes this tensor's values (row-major) into the elements of `view`, which has the same shape.
    func copyStrided(intoView view: Tensor) {
        let src = contiguousData().data
        forEachBroadcastRow(shape: view.shape, [view.strides]) { row, offsets, inner in
            let dst = view.storage.base + view.offset + offsets[0]
            let step = view.strides.last ?? 1
            for j in 0..<inner { dst[j * step] = src[row + j] }
        }
    }

    /// Joins `tensors` along `axis`; all other extents must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "concat", message: "no tensors to join") }
        let a = try first.normalizedAxis(axis, op: "concat")
        for t in tensors.dropFirst() {
            var s1 = first.shape, s2 = t.shape
            guard s1.count == s2.count else { throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: t.shape, detail: "ranks differ") }
            s1[a] = 0
            s2[a] = 0
            guard s1 == s2 else { throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: t.shape, detail: "only axis \(axis) may differ") }
        }
        var outShape = first.shape
        outShape[a] = try TensorShape.extentSum(tensors.map { $0.shape[a] }, op: "concat")
        let out = try Tensor(allocating: outShape, op: "concat")
        var start = 0
        var ranges: [Range<Int>] = []
        for t in tensors {
            let range = start..<(start + t.shape[a])
            let window = Tensor(uncheckedShape: t.shape, strides: out.strides, offset: start * out.strides[a], storage: out.storage)
            t.copyStrided(intoView: window)
            ranges.append(range)
            start = range.upperBound
        }
        return record(out, name: "concat", inputs: tensors) { g, needs in
            try zip(ranges, needs).map { range, need in need ? try g.slice(axis: a, range).contiguousData() : nil }
        }
    }

    /// Splits along `axis` into pieces of the given `sizes` (which must add up to the axis extent). Views.
    public func split(_ sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let a = try normalizedAxis(axis, op: "split")
        guard (try? TensorShape.extentSum(sizes, op: "split")) == shape[a] else {
            throw TensorError.invalidArgument(op: "split", message: "sizes \(sizes) do not add up to \(shape[a]) on axis \(axis) of shape \(shape)")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try slice(axis: a, start..<(start + size))
        }
    }
}
