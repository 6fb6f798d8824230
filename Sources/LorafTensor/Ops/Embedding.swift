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

    /// A zero matrix [rowCount, D] with row `indices[i]` set to row i of `self` [N, D] (N = indices.count, indices
    /// distinct): the inverse of gathering those rows (``embedding(_:weight:)``), e.g. a packed batch's token states
    /// put back at their padded positions. Gradient: the rows of g at `indices`.
    /// - Throws: `TensorError.shapeMismatch` unless self is [indices.count, D]; `invalidArgument` for an index outside
    ///   0..<rowCount.
    public func scatteredRows(to indices: [Int], rowCount: Int) throws -> Tensor {
        guard rank == 2, shape[0] == indices.count else {
            throw TensorError.shapeMismatch(op: "scatter_rows", lhs: shape, rhs: [indices.count], detail: "expects [indices, D]")
        }
        if let bad = indices.firstIndex(where: { $0 < 0 || $0 >= rowCount }) {
            throw TensorError.invalidArgument(op: "scatter_rows", message: "row \(indices[bad]) at position \(bad) is outside 0..<\(rowCount)")
        }
        let dim = shape[1], source = contiguousData()
        let out = Tensor(zeros: [rowCount, dim])
        for (i, row) in indices.enumerated() { (out.data + row * dim).update(from: source.data + i * dim, count: dim) }
        return Tensor.record(out, name: "scatter_rows", inputs: [self]) { g, _ in
            let gathered = Tensor(uninitialized: [indices.count, dim]), gd = g.contiguousData()
            for (i, row) in indices.enumerated() { (gathered.data + i * dim).update(from: gd.data + row * dim, count: dim) }
            return [gathered]
        }
    }
}
