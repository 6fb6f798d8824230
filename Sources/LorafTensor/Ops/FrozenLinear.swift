import LorafKernels

/// A frozen weight W [out, in] rounded to bfloat16 and packed for the bf16 GEMM in the two layouts a linear layer
/// needs: Wᵀ for the forward (x · Wᵀ) and W for the input gradient (dy · W). Made once, from Float32 or from ggml
/// blocks (dequantized exactly first), and kept by its layer: 4 bytes per weight in all (2 per layout), the size of
/// a Float32 copy.
public final class BF16LinearWeight {
    public let outFeatures: Int
    public let inFeatures: Int
    /// B = Wᵀ [in × out] and B = W [out × in].
    public let forward: BF16PackedMatrix
    public let inputGradient: BF16PackedMatrix

    /// Packs `weight` [out, in] (any strides; read once).
    /// - Throws: `TensorError.invalidArgument` when `weight` is not a matrix.
    public convenience init(weight: Tensor) throws {
        guard weight.rank == 2 else {
            throw TensorError.invalidArgument(op: "bf16 linear", message: "the weight must be [out, in], got \(weight.shape)")
        }
        self.init(matrix: weight.contiguousData())
    }

    /// Packs a quantized weight, dequantized (exactly, as ggml does) into a temporary Float32 copy first.
    public convenience init(quantized weight: QuantizedWeight) {
        self.init(matrix: weight.dequantized())   // always a dense [rows, columns] matrix
    }

    /// Packs a dense [out, in] matrix.
    private init(matrix w: Tensor) {
        (outFeatures, inFeatures) = (w.shape[0], w.shape[1])
        (forward, inputGradient) = withExtendedLifetime(w) { BF16LinearWeight.pack(w.data, out: w.shape[0], in: w.shape[1]) }
    }

    private static func pack(_ w: UnsafePointer<Float>, out: Int, in inFeatures: Int) -> (BF16PackedMatrix, BF16PackedMatrix) {
        (BF16PackedMatrix(packing: w, depth: inFeatures, columns: out, depthStride: 1, columnStride: inFeatures),
         BF16PackedMatrix(packing: w, depth: out, columns: inFeatures, depthStride: inFeatures, columnStride: 1))
    }

    /// Bytes held by both layouts.
    public var byteCount: Int { forward.byteCount + inputGradient.byteCount }
}

extension Tensor {
    /// y = bf16(x) · bf16(W)ᵀ + b with a frozen W packed in bf16 (``BF16LinearWeight``), sums in Float32:
    /// x [..., in] → [..., out]. The backward gives dx = bf16(g) · bf16(W) and db (Float32); never a weight
    /// gradient. `Kernels.bf16gemm` does both products (its error bound is in its documentation).
    /// - Throws: `TensorError.shapeMismatch` when x's last axis is not W's `in` or b is not [out].
    public func bf16Linear(_ weight: BF16LinearWeight, bias: Tensor? = nil) throws -> Tensor {
        try frozenLinear(name: "bf16_linear", outFeatures: weight.outFeatures, inFeatures: weight.inFeatures, bias: bias,
                         forward: { x, rows, y in
                             Kernels.bf16gemm(m: rows, a: x, lda: weight.inFeatures, b: weight.forward, c: y,
                                              ldc: weight.outFeatures, accumulate: false)
                         },
                         inputGradient: { g, rows, dx in
                             Kernels.bf16gemm(m: rows, a: g, lda: weight.outFeatures, b: weight.inputGradient, c: dx,
                                              ldc: weight.inFeatures, accumulate: false)
                         })
    }

    /// y = x · Wᵀ + b for a frozen W that only `forward` and `inputGradient` read (quantized blocks, bf16 panels):
    /// x [..., in] → [..., out]. `forward(x, rows, y)` writes y [rows × out] from x [rows × in];
    /// `inputGradient(g, rows, dx)` writes dx [rows × in] from g [rows × out]. Records the backward for x and b.
    /// - Throws: `TensorError.shapeMismatch` when x's last axis is not `inFeatures` or b is not [out].
    func frozenLinear(name: String, outFeatures: Int, inFeatures: Int, bias: Tensor?,
                      forward: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void,
                      inputGradient: @escaping (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void) throws -> Tensor {
        guard rank >= 1, shape[rank - 1] == inFeatures else {
            throw TensorError.shapeMismatch(op: "linear", lhs: shape, rhs: [outFeatures, inFeatures], detail: "input features must equal the weight's second extent")
        }
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shapeMismatch(op: "linear", lhs: [outFeatures, inFeatures], rhs: bias.shape, detail: "bias must be [\(outFeatures)]")
        }
        let x = contiguousData(), rows = count / Swift.max(inFeatures, 1)
        let out = Tensor(uninitialized: Array(shape.dropLast()) + [outFeatures])
        forward(x.data, rows, out.data)
        if let bias {
            let b = bias.contiguousData().data, y = out.data
            Parallel.forEach(count: rows, grain: Swift.max(1, (1 << 15) / Swift.max(outFeatures, 1))) { span in
                for r in span { Kernels.add(y + r * outFeatures, b, y + r * outFeatures, count: outFeatures) }
            }
        }
        let inputShape = shape
        return Tensor.record(out, name: name, inputs: [self] + (bias.map { [$0] } ?? [])) { g, needs in
            let gd = g.contiguousData()
            var dx: Tensor?
            if needs[0] {
                let d = Tensor(uninitialized: inputShape)
                inputGradient(gd.data, rows, d.data)
                dx = d
            }
            guard needs.count > 1 else { return [dx] }
            return [dx, needs[1] ? try gd.reshaped([rows, outFeatures]).sum(axes: [0]) : nil]
        }
    }
}
