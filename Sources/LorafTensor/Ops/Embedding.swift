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
        let out = try Tensor(allocating: ids.shape + [dim], op: "embedding")
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

}
