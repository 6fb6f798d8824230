/// Table lookup, as torch.nn.functional.embedding.
extension Tensor {
    /// Rows of `weight` [vocab, dim] picked by `ids` (any shape) → [ids.shape..., dim].
    /// Gradient: the output gradient scatter-added into the picked rows (only when the table requires one).
    /// - Throws: `TensorError.invalidArgument` naming the first id outside 0..<vocab and its position.
    public static func embedding(_ ids: IntTensor, weight: Tensor) throws -> Tensor {
        guard weight.rank == 2 else {
            throw TensorError.shapeMismatch(op: "embedding", lhs: ids.shape, rhs: weight.shape, detail: "the table must be [vocab, dim]")
        }
        let vocab = weight.shape[0], dim = weight.shape[1]
        if let bad = ids.scalars.firstIndex(where: { $0 < 0 || $0 >= vocab }) {
            throw TensorError.invalidArgument(op: "embedding", message: "id \(ids.scalars[bad]) at flat position \(bad) is outside 0..<\(vocab)")
        }
        let table = weight.contiguousData()
        let out = Tensor(uninitialized: ids.shape + [dim])
        for (i, id) in ids.scalars.enumerated() { (out.data + i * dim).update(from: table.data + id * dim, count: dim) }
        return record(out, name: "embedding", inputs: [weight]) { g, _ in
            let dw = Tensor(zeros: [vocab, dim])
            let gd = g.contiguousData().data
            for (i, id) in ids.scalars.enumerated() {
                let dst = dw.data + id * dim, src = gd + i * dim
                for j in 0..<dim { dst[j] += src[j] }
            }
            return [dw]
        }
    }

    /// Inverted dropout: in training each element is zeroed with probability `p` and the survivors scaled by
    /// 1/(1−p); in evaluation (`training == false`) or with p = 0 it returns self unchanged.
    /// Draws come from `rng`, so a seed fixes the mask. Gradient: the same mask and scale.
    /// - Throws: when p is outside [0, 1).
    public func dropout(_ p: Float, training: Bool, rng: inout RandomGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else { throw TensorError.invalidArgument(op: "dropout", message: "probability \(p) is outside [0, 1)") }
        guard training, p > 0 else { return self }
        let scale = 1 / (1 - p)
        let mask = Tensor(uninitialized: shape)
        for i in 0..<count { mask.data[i] = rng.nextUniform() < p ? 0 : scale }
        let out = zipElements(mask, *)
        return Tensor.record(out, name: "dropout", inputs: [self]) { g, _ in [g.zipElements(mask, *)] }
    }
}
