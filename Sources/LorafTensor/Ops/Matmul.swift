import LorafKernels

/// How a tensor's last two axes sit in memory, as SGEMM reads them: row-major (`transposed == false`, leading
/// dimension `ld` between rows) or column-major (a transposed view), with `batchStride` between matrices.
struct MatrixLayout {
    let pointer: UnsafePointer<Float>
    let transposed: Bool
    let ld: Int
    let batchStride: Int
    let batch: Int

    /// The layout of `t` (rank ≥ 2) when its batch axes fold into one stride; nil when a copy is needed.
    init?(_ t: Tensor) {
        let r = t.rank, rows = t.shape[r - 2], cols = t.shape[r - 1]
        let sRow = t.strides[r - 2], sCol = t.strides[r - 1]
        if sCol == 1 || cols == 1, sRow >= cols || rows == 1 {
            transposed = false
            ld = Swift.max(rows == 1 ? cols : sRow, Swift.max(cols, 1))
        } else if sRow == 1 || rows == 1, sCol >= rows || cols == 1 {
            transposed = true
            ld = Swift.max(cols == 1 ? rows : sCol, Swift.max(rows, 1))
        } else {
            return nil
        }
        let batchShape = Array(t.shape[..<(r - 2)])
        batch = batchShape.reduce(1, *)
        if batchShape.isEmpty {
            batchStride = 0
        } else {
            // Batch axes must be one uniform stride: stride[i] == stride[i+1] * shape[i+1].
            for i in 0..<(batchShape.count - 1) where t.shape[i] > 1 && t.strides[i] != t.strides[i + 1] * t.shape[i + 1] {
                return nil
            }
            batchStride = t.strides[r - 3]
        }
        pointer = UnsafePointer(t.storage.base + t.offset)
    }

    /// The layout of `t`, copying it into dense memory first if its strides cannot be read directly.
    static func of(_ t: Tensor) -> (MatrixLayout, Tensor) {
        if let layout = MatrixLayout(t) { return (layout, t) }
        let dense = t.copy()
        return (MatrixLayout(dense)!, dense) // a dense row-major tensor always has a layout
    }
}

extension Tensor {
    /// Matrix product over the last two axes: [..., m, k] · [..., k, n] → [..., m, n].
    ///
    /// Batch axes must be equal on both sides, or one side is a plain matrix (rank 2) shared by every batch entry
    /// (x · W). Transposed views (`t.transposed()`) are read in place as SGEMM's transposed operands.
    /// Gradients: dA = g · Bᵀ, dB = Aᵀ · g (summed over the batch when B is shared). When B does not require a
    /// gradient (a frozen weight), its GEMM is skipped (counted in `AutogradStats.weightGradientGEMMs`).
    /// - Throws: `TensorError.shapeMismatch` quoting both shapes when inner or batch extents differ.
    public func matmul(_ other: Tensor) throws -> Tensor {
        let a = self, b = other
        guard a.rank >= 2, b.rank >= 2 else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape, detail: "both operands need at least 2 axes")
        }
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], k2 = b.shape[b.rank - 2], n = b.shape[b.rank - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape, detail: "inner dimensions \(k) and \(k2) differ")
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard batchA == batchB || batchA.isEmpty || batchB.isEmpty else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape, detail: "batch axes \(batchA) and \(batchB) differ")
        }
        let batchShape = batchA.isEmpty ? batchB : batchA
        let out = try Tensor(allocating: batchShape + [m, n], op: "matmul")
        Tensor.gemm(a, b, into: out, m: m, n: n, k: k, accumulate: false)
        // Each side's gradient needs the other side's values, saved only when that gradient will be needed.
        let savedA = b.requiresGrad ? a.detached() : nil, savedB = a.requiresGrad ? b.detached() : nil
        let (shapeA, shapeB) = (a.shape, b.shape)
        return Tensor.record(out, name: "matmul", inputs: [a, b]) { g, needs in
            var da: Tensor?, db: Tensor?
            if needs[0], let savedB {
                da = try g.matmul(savedB.transposed()).sumTo(shapeA)
            }
            if needs[1], let savedA {
                AutogradStats.weightGradientGEMMs += 1
                if batchB.isEmpty, !batchA.isEmpty {
                    // Shared weight: fold the batch into rows, one GEMM: Aᵀ[k, B·m] · g[B·m, n].
                    let a2 = savedA.contiguousData().reshapedData([batchA.reduce(1, *) * m, k])
                    let g2 = g.contiguousData().reshapedData([batchA.reduce(1, *) * m, n])
                    db = try a2.transposed().matmul(g2)
                } else {
                    db = try savedA.transposed().matmul(g).sumTo(shapeB)
                }
            }
            return [da, db]
        }
    }

    /// C (dense, shape [batch..., m, n]) = op(A) · op(B) (+ C when `accumulate`), one SGEMM per batch entry.
    static func gemm(_ a: Tensor, _ b: Tensor, into c: Tensor, m: Int, n: Int, k: Int, accumulate: Bool) {
        let (la, keepA) = MatrixLayout.of(a), (lb, keepB) = MatrixLayout.of(b)
        let batch = Swift.max(la.batch, lb.batch)
        withExtendedLifetime((keepA, keepB)) {
            if batch == 1 || (lb.batch == 1 && !la.transposed && la.batchStride == m * la.ld && la.ld == k) {
                // One GEMM: a single matrix, or a dense batch of rows against a shared right-hand matrix.
                Kernels.sgemm(transA: la.transposed, transB: lb.transposed, m: m * (lb.batch == 1 ? batch : 1), n: n, k: k,
                              alpha: 1, a: la.pointer, lda: la.ld, b: lb.pointer, ldb: lb.ld,
                              beta: accumulate ? 1 : 0, c: c.data, ldc: n)
            } else {
                Kernels.sgemmBatched(transA: la.transposed, transB: lb.transposed, m: m, n: n, k: k, alpha: 1,
                                     a: la.pointer, lda: la.ld, strideA: la.batch == 1 ? 0 : la.batchStride,
                                     b: lb.pointer, ldb: lb.ld, strideB: lb.batch == 1 ? 0 : lb.batchStride,
                                     beta: accumulate ? 1 : 0, c: c.data, ldc: n, strideC: m * n, batch: batch)
            }
        }
    }

    /// Affine map as torch.nn.functional.linear: y = x · Wᵀ + b, x [..., in], W [out, in], b [out] → [..., out].
    ///
    /// One NT SGEMM forward. Backward: dx = g · W (NN), dW = gᵀ · x (TN), db = column sums of g; the dW GEMM runs
    /// only when W requires a gradient (so a frozen pre-trained weight costs no weight-gradient GEMM). With `panels`,
    /// a frozen W's two SGEMM operands (Wᵀ forward, W backward) are packed once there and reused call after call;
    /// the results are the same bit for bit.
    /// - Throws: `TensorError.shapeMismatch` when x's last axis is not W's `in` or b is not [out].
    public func linear(weight: Tensor, bias: Tensor? = nil, panels: FrozenWeightPanels? = nil) throws -> Tensor {
        guard weight.rank == 2, rank >= 1, shape[rank - 1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(op: "linear", lhs: shape, rhs: weight.shape, detail: "input features must equal the weight's second extent")
        }
        let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shapeMismatch(op: "linear", lhs: weight.shape, rhs: bias.shape, detail: "bias must be [\(outFeatures)]")
        }
        let x = contiguousData()
        let rows = count / Swift.max(inFeatures, 1)
        let out = Tensor(uninitialized: Array(shape.dropLast()) + [outFeatures])
        let w = weight.contiguousData()
        if let bias {
            let b = bias.contiguousData().data
            let y = out.data
            Parallel.forEach(count: rows, grain: Swift.max(1, (1 << 15) / Swift.max(outFeatures, 1))) { span in
                for r in span { (y + r * outFeatures).update(from: b, count: outFeatures) }
            }
        }
        let packed = weight.isContiguous ? panels?.operands(for: weight) : nil
        if let packed {
            Kernels.sgemm(transA: false, m: rows, alpha: 1, a: x.data, lda: inFeatures, packedB: packed.transposed,
                          beta: bias == nil ? 0 : 1, c: out.data, ldc: outFeatures)
        } else {
            Kernels.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures, alpha: 1,
                          a: x.data, lda: inFeatures, b: w.data, ldb: inFeatures, beta: bias == nil ? 0 : 1, c: out.data, ldc: outFeatures)
        }
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        let inputShape = shape
        let savedX = weight.requiresGrad ? x : nil  // x is needed only for the weight gradient
        return Tensor.record(out, name: "linear", inputs: inputs) { g, needs in
            let gd = g.contiguousData()
            var dx: Tensor?, dw: Tensor?, db: Tensor?
            if needs[0] {
                dx = Tensor.linearInputGradient(gd, weight: w, rows: rows, inputShape: inputShape,
                                                packed: packed.flatMap { $0.plain.isCurrent ? $0.plain : nil })
            }
            if needs[1], let savedX { dw = Tensor.linearWeightGradient(gd, input: savedX, rows: rows) }
            if needs.count > 2, needs[2] {
                let d = Tensor(zeros: [outFeatures])
                for r in 0..<rows {
                    let src = gd.data + r * outFeatures
                    for j in 0..<outFeatures { d.data[j] += src[j] }
                }
                db = d
            }
            return [dx, dw] + (needs.count > 2 ? [db] : [])
        }
    }

    /// dx [rows × in] = g · W for `linear`'s backward: g [rows × out] and W [out, in] contiguous, into a new tensor of
    /// `inputShape`; from W packed beforehand (its `plain` operand, current for `CPU.isa`) when given, the same bits.
    static func linearInputGradient(_ g: Tensor, weight w: Tensor, rows: Int, inputShape: [Int],
                                    packed: Kernels.PackedRightOperand?) -> Tensor {
        let (outFeatures, inFeatures) = (w.shape[0], w.shape[1])
        let d = Tensor(uninitialized: inputShape)
        if let packed {
            Kernels.sgemm(transA: false, m: rows, alpha: 1, a: g.data, lda: outFeatures, packedB: packed,
                          beta: 0, c: d.data, ldc: inFeatures)
        } else {
            Kernels.sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures, alpha: 1,
                          a: g.data, lda: outFeatures, b: w.data, ldb: inFeatures, beta: 0, c: d.data, ldc: inFeatures)
        }
        return d
    }

    /// dW [out × in] = gᵀ · x for `linear`'s backward: g [rows × out] and x [rows × in] contiguous (one TN SGEMM,
    /// counted in `AutogradStats.weightGradientGEMMs`).
    static func linearWeightGradient(_ g: Tensor, input x: Tensor, rows: Int) -> Tensor {
        AutogradStats.weightGradientGEMMs += 1
        let outFeatures = g.count / Swift.max(rows, 1), inFeatures = x.count / Swift.max(rows, 1)
        let d = Tensor(uninitialized: [outFeatures, inFeatures])
        Kernels.sgemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows, alpha: 1,
                      a: g.data, lda: outFeatures, b: x.data, ldb: inFeatures, beta: 0, c: d.data, ldc: inFeatures)
        return d
    }
}
