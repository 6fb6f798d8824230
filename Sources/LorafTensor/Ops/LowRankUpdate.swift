import LorafKernels

extension Tensor {
    /// self + scale · h · Wᵀ: a LoRA layer's output h = W₀x + (α/r)·B·A·x (Hu et al. 2021, eq. 3; PEFT's
    /// `lora.Linear.forward`), the base output plus its scaled up-projection, in one SGEMM that accumulates into a copy
    /// of self (alpha = scale, beta = 1) instead of a product, a scaling and a sum.
    ///
    /// self [..., out] (the base layer's y), h [..., r] (the down-projection x · Aᵀ, same leading extents), W [out, r]
    /// (lora_B's weight). The result equals `y + (h.linear(weight: W)) * scale` up to float rounding (the scale is
    /// applied to each sum before it is added). Backward: dy = g, dh = scale · g · W, dW = scale · gᵀ · h (as the transpose of
    /// scale · hᵀ · g), each one SGEMM with alpha = scale; dW only when W requires a gradient.
    /// - Throws: `TensorError.shapeMismatch` when W is not [out, r] for self's last extent `out` and h's `r`, or when
    ///   self and h differ in their leading extents.
    public func addingScaledLinear(_ h: Tensor, weight: Tensor, scale: Float) throws -> Tensor {
        guard weight.rank == 2, rank >= 1, h.rank == rank, weight.shape == [shape[rank - 1], h.shape[rank - 1]],
              shape.dropLast() == h.shape.dropLast() else {
            throw TensorError.shapeMismatch(op: "addingScaledLinear", lhs: shape, rhs: h.shape,
                                            detail: "needs y [..., out], h [..., r] and a weight [out, r] (got \(weight.shape))")
        }
        let (outFeatures, r) = (weight.shape[0], weight.shape[1])
        let rows = shape.dropLast().reduce(1, *)
        let hd = h.contiguousData(), w = weight.contiguousData(), out = copy()
        Kernels.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: r, alpha: scale, a: hd.data, lda: r,
                      b: w.data, ldb: r, beta: 1, c: out.data, ldc: outFeatures)
        let savedH = weight.requiresGrad ? hd : nil  // h is needed only for the weight gradient
        let hShape = h.shape
        return Tensor.record(out, name: "addingScaledLinear", inputs: [self, h, weight]) { g, needs in
            let gd = g.contiguousData()
            var dh: Tensor?, dw: Tensor?
            if needs[1] {
                let d = Tensor(uninitialized: hShape)
                Kernels.sgemm(transA: false, transB: false, m: rows, n: r, k: outFeatures, alpha: scale,
                              a: gd.data, lda: outFeatures, b: w.data, ldb: r, beta: 0, c: d.data, ldc: r)
                dh = d
            }
            if needs[2], let savedH {
                // dWᵀ = scale · hᵀ · g [r, out], then transposed: r (a few to a few dozen) is the SGEMM's row count
                // rather than its column count, which would fill half of a micro-tile's columns or less.
                AutogradStats.weightGradientGEMMs += 1
                let transposed = Tensor(uninitialized: [r, outFeatures])
                Kernels.sgemm(transA: true, transB: false, m: r, n: outFeatures, k: rows, alpha: scale,
                              a: savedH.data, lda: r, b: gd.data, ldb: outFeatures, beta: 0, c: transposed.data,
                              ldc: outFeatures)
                dw = try transposed.transposed().contiguousData()
            }
            return [needs[0] ? gd : nil, dh, dw]
        }
    }
}
