extension Kernels {
    /// Scaled dot-product attention (Vaswani et al. 2017) over a packed batch, per sequence and head, reading heads
    /// in place (no split or merge copies):
    ///
    ///     P = softmax(scale · Q_h K_gᵀ + mask),   out_h = (P ⊙ keep) V_g      (g = h / groups)
    ///
    /// over the keys ``AttentionLayout/keys(query:length:)`` allows (other entries of P are 0). Layouts: `q` and
    /// `out` [N, heads·d], `k` and `v` [N, kvHeads·d], all row-major and contiguous; `probabilities` receives P,
    /// [``AttentionLayout/probabilityCount``] floats (sequence s, head h at `probabilityOffsets[s] + h·L²`, L×L
    /// row-major), which the backward pass reads. `keep`, when given, is the dropout multiplier of every entry of
    /// P in the same layout (0 or 1/(1−p)). Units (sequence, head) run in parallel; the result does not depend on
    /// the thread count.
    public static func packedAttentionForward(_ layout: AttentionLayout, scale: Float,
                                              q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                              keep: UnsafePointer<Float>?, probabilities: UnsafeMutablePointer<Float>,
                                              out: UnsafeMutablePointer<Float>) {
        let d = layout.headDim, qWidth = layout.heads * d, kvWidth = layout.kvHeads * d
        let set = fused
        Parallel.forEach(chunks: layout.sequenceCount * layout.heads) { unit in
            let s = unit / layout.heads, h = unit % layout.heads, g = h / layout.groups
            let length = layout.length(s), row0 = layout.offsets[s]
            guard length > 0 else { return }
            let p = probabilities + layout.probabilityOffsets[s] + h * length * length
            sgemm(transA: false, transB: true, m: length, n: length, k: d, alpha: scale,
                  a: q + row0 * qWidth + h * d, lda: qWidth, b: k + row0 * kvWidth + g * d, ldb: kvWidth,
                  beta: 0, c: p, ldc: length)
            maskedSoftmax(p, length: length, layout: layout, set: set)
            var weights = UnsafePointer(p)
            if let keep {
                let dropped = KernelThreadState.current.attentionScratch.floats(length * length)
                let mask = keep + layout.probabilityOffsets[s] + h * length * length
                for i in 0..<(length * length) { dropped[i] = p[i] * mask[i] }
                weights = UnsafePointer(dropped)
            }
            sgemm(transA: false, transB: false, m: length, n: d, k: length, alpha: 1,
                  a: weights, lda: length, b: v + row0 * kvWidth + g * d, ldb: kvWidth,
                  beta: 0, c: out + row0 * qWidth + h * d, ldc: qWidth)
        }
    }

    /// Gradient of ``packedAttentionForward(_:scale:q:k:v:keep:probabilities:out:)`` from the output gradient
    /// `dOut` [N, heads·d] and the saved P (`probabilities`) and `keep`:
    ///
    ///     dV_g = Σ_h (P ⊙ keep)ᵀ dO_h,   dP = (dO_h V_gᵀ) ⊙ keep,   dS = P ⊙ (dP − rowsum(dP ⊙ P)),
    ///     dQ_h = scale · dS K_g,         dK_g = Σ_h scale · dSᵀ Q_h.
    ///
    /// `dq` [N, heads·d], `dk` and `dv` [N, kvHeads·d] are written (not accumulated into). Units (sequence, key/value
    /// head) run in parallel, each summing its query heads in order, so the result does not depend on the thread count.
    public static func packedAttentionBackward(_ layout: AttentionLayout, scale: Float, dOut: UnsafePointer<Float>,
                                               q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                               keep: UnsafePointer<Float>?, probabilities: UnsafePointer<Float>,
                                               dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                                               dv: UnsafeMutablePointer<Float>) {
        let d = layout.headDim, qWidth = layout.heads * d, kvWidth = layout.kvHeads * d
        let set = fused
        Parallel.forEach(chunks: layout.sequenceCount * layout.kvHeads) { unit in
            let s = unit / layout.kvHeads, g = unit % layout.kvHeads
            let length = layout.length(s), row0 = layout.offsets[s], area = length * length
            guard length > 0 else { return }
            let scratch = KernelThreadState.current.attentionScratch.floats(2 * area)
            let dp = scratch, dropped = scratch + area
            let kG = k + row0 * kvWidth + g * d, vG = v + row0 * kvWidth + g * d
            let dkG = dk + row0 * kvWidth + g * d, dvG = dv + row0 * kvWidth + g * d
            for member in 0..<layout.groups {
                let h = g * layout.groups + member, first: Float = member == 0 ? 0 : 1
                let p = probabilities + layout.probabilityOffsets[s] + h * area
                let mask = keep.map { $0 + layout.probabilityOffsets[s] + h * area }
                let dO = dOut + row0 * qWidth + h * d
                var weights = p
                if let mask {
                    for i in 0..<area { dropped[i] = p[i] * mask[i] }
                    weights = UnsafePointer(dropped)
                }
                sgemm(transA: true, transB: false, m: length, n: d, k: length, alpha: 1, a: weights, lda: length,
                      b: dO, ldb: qWidth, beta: first, c: dvG, ldc: kvWidth)
                sgemm(transA: false, transB: true, m: length, n: length, k: d, alpha: 1, a: dO, lda: qWidth,
                      b: vG, ldb: kvWidth, beta: 0, c: dp, ldc: length)
                if let mask { for i in 0..<area { dp[i] *= mask[i] } }
                set.softmaxRowsBackward(y: p, dy: dp, dx: dp, rows: 0..<length, cols: length)
                sgemm(transA: false, transB: false, m: length, n: d, k: length, alpha: scale, a: dp, lda: length,
                      b: kG, ldb: kvWidth, beta: 0, c: dq + row0 * qWidth + h * d, ldc: qWidth)
                sgemm(transA: true, transB: false, m: length, n: d, k: length, alpha: scale, a: dp, lda: length,
                      b: q + row0 * qWidth + h * d, ldb: qWidth, beta: first, c: dkG, ldc: kvWidth)
            }
        }
    }

    /// Softmax of each row of the L×L scores `p` over the keys its query reads, in place; the other entries become 0.
    private static func maskedSoftmax(_ p: UnsafeMutablePointer<Float>, length: Int, layout: AttentionLayout,
                                      set: any FusedKernelSet.Type) {
        guard layout.causal else {
            set.softmaxRows(p, p, rows: 0..<length, cols: length)
            return
        }
        for i in 0..<length {
            let row = p + i * length, keys = layout.keys(query: i, length: length)
            row.update(repeating: 0, count: keys.lowerBound)
            set.softmaxRows(row + keys.lowerBound, row + keys.lowerBound, rows: 0..<1, cols: keys.count)
            (row + keys.upperBound).update(repeating: 0, count: length - keys.upperBound)
        }
    }
}
