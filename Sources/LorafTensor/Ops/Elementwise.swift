import LorafKernels

/// Element-wise arithmetic with NumPy broadcasting. Each operator throws `TensorError.shapeMismatch` quoting both
/// shapes when they cannot be broadcast together.
extension Tensor {
    /// a + b (broadcasting). d/da = 1, d/db = 1, each summed back to its operand's shape.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let out = a.shape == b.shape ? a.zipElements(b) { Kernels.add($0, $1, $2, count: $3) } : try binary(a, b, op: "add") { $0 + $1 }
        let (shapeA, shapeB) = (a.shape, b.shape)  // only the shapes: the node must not keep a's and b's values alive
        return record(out, name: "add", inputs: [a, b]) { g, needs in
            [needs[0] ? try g.sumTo(shapeA) : nil, needs[1] ? try g.sumTo(shapeB) : nil]
        }
    }

    /// a − b (broadcasting).
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binary(a, b, op: "sub") { $0 - $1 }
        let (shapeA, shapeB) = (a.shape, b.shape)
        return record(out, name: "sub", inputs: [a, b]) { g, needs in
            [needs[0] ? try g.sumTo(shapeA) : nil, needs[1] ? try (-g).sumTo(shapeB) : nil]
        }
    }

    /// a ⊙ b (broadcasting). d/da = g ⊙ b, d/db = g ⊙ a.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let out = a.shape == b.shape ? a.zipElements(b) { Kernels.multiply($0, $1, $2, count: $3) } : try binary(a, b, op: "mul") { $0 * $1 }
        // Each side's gradient needs the other side's values, saved only when that gradient will be needed.
        let (shapeA, shapeB) = (a.shape, b.shape)
        let savedB = a.requiresGrad ? b.detached() : nil, savedA = b.requiresGrad ? a.detached() : nil
        return record(out, name: "mul", inputs: [a, b]) { g, needs in
            [needs[0] ? try (g * savedB!).sumTo(shapeA) : nil,
             needs[1] ? try (g * savedA!).sumTo(shapeB) : nil]
        }
    }

    /// a ⊘ b (broadcasting). d/da = g / b, d/db = −g ⊙ a / b².
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binary(a, b, op: "div") { $0 / $1 }
        let y = out.detached()  // the node must not capture its own result (a retain cycle)
        return record(out, name: "div", inputs: [a, b]) { g, needs in
            let bd = b.detached()
            return [needs[0] ? try (g / bd).sumTo(a.shape) : nil,
                    needs[1] ? try (-(g * y) / bd).sumTo(b.shape) : nil]
        }
    }

    /// Tensor-scalar arithmetic, element-wise, any shape (never throws): a + s, a − s, a · s, a / s, s · a, −a.
    /// Each is one `affine` op, whose gradient is the output gradient times the scale.
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1, shift: 0) }

    /// scale · self + shift, element-wise (rounded as `x * scale + shift`; with shift 0 as `x * scale`, −0 kept).
    public func affine(scale: Float, shift: Float) -> Tensor {
        let out = scaledShifted(scale: scale, shift: shift)
        return Tensor.record(out, name: "affine", inputs: [self]) { g, _ in [g.scaledShifted(scale: scale, shift: 0)] }
    }

    /// x · scale + shift into a new dense tensor, in parallel (not recorded for autodiff).
    func scaledShifted(scale: Float, shift: Float) -> Tensor {
        let src = contiguousData()
        let out = Tensor(uninitialized: shape)
        Kernels.scaleShift(src.data, out.data, count: count, scale: scale, shift: shift)
        return out
    }

    /// Applies `f` to every element into a new dense tensor (not recorded for autodiff).
    @inline(__always)
    func mapElements(_ f: (Float) -> Float) -> Tensor {
        let src = contiguousData()
        let out = Tensor(uninitialized: shape)
        let x = src.data, y = out.data
        for i in 0..<count { y[i] = f(x[i]) }
        return out
    }

    /// Combines two same-shape tensors element-wise into a new dense tensor (not recorded for autodiff).
    @inline(__always)
    func zipElements(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let a = contiguousData(), b = other.contiguousData()
        let out = Tensor(uninitialized: shape)
        let x = a.data, z = b.data, y = out.data
        for i in 0..<count { y[i] = f(x[i], z[i]) }
        return out
    }

    /// Combines two same-shape tensors into a new dense tensor with a parallel kernel `kernel(a, b, out, count)`
    /// (not recorded for autodiff).
    func zipElements(_ other: Tensor,
                     kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let a = contiguousData(), b = other.contiguousData()
        let out = Tensor(uninitialized: shape)
        kernel(a.data, b.data, out.data, count)
        return out
    }

    /// Broadcasting element-wise kernel: fast paths for equal shapes, a scalar right side and a right side that
    /// repeats along leading axes (bias); a general strided walk otherwise.
    @inline(__always)
    static func binary(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        if a.shape == b.shape { return a.zipElements(b, f) }
        let shape = try broadcastShape(a.shape, b.shape, op: op)
        let out = Tensor(uninitialized: shape)
        let y = out.data
        let n = out.count
        if shape == a.shape, b.count == 1 {
            let x = a.contiguousData().data, s = try b.item()
            for i in 0..<n { y[i] = f(x[i], s) }
            return out
        }
        if shape == a.shape, b.count > 0, a.shape.count >= b.shape.count, Array(a.shape.suffix(b.shape.count)) == b.shape {
            let x = a.contiguousData().data, z = b.contiguousData().data
            let inner = b.count
            var base = 0
            while base < n {
                for j in 0..<inner { y[base + j] = f(x[base + j], z[j]) }
                base += inner
            }
            return out
        }
        let av = a.broadcastView(to: shape), bv = b.broadcastView(to: shape)
        forEachBroadcastRow(shape: shape, [av.strides, bv.strides]) { row, offsets, inner in
            let pa = av.storage.base + av.offset + offsets[0], pb = bv.storage.base + bv.offset + offsets[1]
            let sa = av.strides.last ?? 0, sb = bv.strides.last ?? 0
            for j in 0..<inner { y[row + j] = f(pa[j * sa], pb[j * sb]) }
        }
        return out
    }
}

/// Walks the rows (last axis) of a dense output of `shape`, giving for each the output offset, the matching
/// offsets under each of `strides`, and the row length.
func forEachBroadcastRow(shape: [Int], _ strides: [[Int]], _ body: (Int, [Int], Int) -> Void) {
    let n = shape.reduce(1, *)
    if n == 0 { return }
    guard let inner = shape.last else { body(0, strides.map { _ in 0 }, 1); return }
    let rank = shape.count
    var index = [Int](repeating: 0, count: rank)
    var offsets = [Int](repeating: 0, count: strides.count)
    var row = 0
    while row < n {
        body(row, offsets, inner)
        row += inner
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            for k in 0..<strides.count { offsets[k] += strides[k][axis] }
            if index[axis] < shape[axis] { break }
            for k in 0..<strides.count { offsets[k] -= strides[k][axis] * shape[axis] }
            index[axis] = 0
            axis -= 1
        }
    }
}
