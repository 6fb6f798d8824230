import LorafKernels

/// Softmax family over the last axis, and the classification loss built on it.
extension Tensor {
    /// softmax over the last axis of (self + mask). `mask` is additive and broadcast to self's shape: 0 keeps a
    /// position, a large negative value (e.g. −10⁴ or −∞) removes it, as BERT's extended attention mask does.
    /// Gradient: dx = y ⊙ (g − Σ g ⊙ y).
    public func softmax(mask: Tensor? = nil) throws -> Tensor {
        let x = try mask.map { try self + $0 } ?? self
        guard x.rank >= 1 else { throw TensorError.invalidArgument(op: "softmax", message: "needs at least one axis") }
        let dense = x.contiguousData()
        let cols = x.shape[x.rank - 1], rows = x.count / Swift.max(cols, 1)
        let out = Tensor(uninitialized: x.shape)
        Kernels.softmaxRows(dense.data, out.data, rows: rows, cols: cols)
        let y = out.detached()
        return Tensor.record(out, name: "softmax", inputs: [x]) { g, _ in
            let dx = Tensor(uninitialized: y.shape)
            Kernels.softmaxRowsBackward(y: y.data, dy: g.contiguousData().data, dx: dx.data, rows: rows, cols: cols)
            return [dx]
        }
    }

    /// log softmax over the last axis: x − log Σ eˣ, computed stably. Gradient: dx = g − softmax(x) · Σ g.
    public func logSoftmax() throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidArgument(op: "log_softmax", message: "needs at least one axis") }
        let dense = contiguousData()
        let cols = shape[rank - 1], rows = count / Swift.max(cols, 1)
        let out = Tensor(uninitialized: shape)
        Kernels.logSoftmaxRows(dense.data, out.data, rows: rows, cols: cols)
        let y = out.detached()
        return Tensor.record(out, name: "log_softmax", inputs: [self]) { g, _ in
            let dx = Tensor(uninitialized: y.shape)
            Kernels.logSoftmaxRowsBackward(y: y.data, dy: g.contiguousData().data, dx: dx.data, rows: rows, cols: cols)
            return [dx]
        }
    }

    /// Mean cross-entropy of `logits` [N, C] against class indices `targets` [N], as
    /// torch.nn.functional.cross_entropy: rows whose target equals `ignoreIndex` are skipped and the mean is over
    /// the remaining rows (0 when none remain). Gradient: (softmax − one-hot) / count on kept rows.
    /// - Throws: when shapes disagree or a kept target is outside 0..<C.
    public func crossEntropy(targets: IntTensor, ignoreIndex: Int = -100) throws -> Tensor {
        guard rank == 2, targets.shape == [shape[0]] else {
            throw TensorError.shapeMismatch(op: "cross_entropy", lhs: shape, rhs: targets.shape, detail: "expects logits [N, C] and targets [N]")
        }
        let n = shape[0], c = shape[1]
        for (i, t) in targets.scalars.enumerated() where t != ignoreIndex && (t < 0 || t >= c) {
            throw TensorError.invalidArgument(op: "cross_entropy", message: "target \(t) at row \(i) is outside 0..<\(c)")
        }
        let logProbs = Tensor(uninitialized: shape)
        Kernels.logSoftmaxRows(contiguousData().data, logProbs.data, rows: n, cols: c)
        let kept = targets.scalars.filter { $0 != ignoreIndex }.count
        var total: Double = 0
        for (i, t) in targets.scalars.enumerated() where t != ignoreIndex { total -= Double(logProbs.data[i * c + t]) }
        let loss = Tensor(scalar: kept == 0 ? 0 : Float(total / Double(kept)))
        return Tensor.record(loss, name: "cross_entropy", inputs: [self]) { g, _ in
            let scale = kept == 0 ? 0 : try g.item() / Float(kept)
            let dx = Tensor(zeros: [n, c])
            for (i, t) in targets.scalars.enumerated() where t != ignoreIndex {
                for j in 0..<c { dx.data[i * c + j] = _expf(logProbs.data[i * c + j]) * scale }
                dx.data[i * c + t] -= scale
            }
            return [dx]
        }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _expf(_ x: Float) -> Float { Glibc.expf(x) }
#else
import Darwin
@inline(__always) func _expf(_ x: Float) -> Float { Darwin.expf(x) }
#endif
