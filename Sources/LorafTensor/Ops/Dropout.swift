import LorafKernels

extension Tensor {
    /// Inverted dropout: in training each element is zeroed with probability `p` and the survivors scaled by
    /// 1/(1−p); in evaluation (`training == false`) or with p = 0 it returns self unchanged. Output: self's shape.
    ///
    /// The mask comes from `Kernels.dropout` (SIMD, drawn and applied in one pass): the elements are split into
    /// ⌈count / 65,536⌉ equal runs, and the run starting at element s draws from eight generators
    /// `RandomGenerator(seed: w, stream: s + j)`, j < 8, stepped together (each word gives two 24-bit uniforms), w
    /// being the next word of `rng` (one draw per call). An element is dropped when its uniform falls below p
    /// (compared as integers: u < ⌈p·2²⁴⌉). A seed fixes the mask, whatever the thread count or CPU. Gradient: the
    /// same mask and scale, drawn again in the backward from the same seeds (no mask is kept between the passes).
    /// - Throws: `TensorError.invalidArgument` when p is outside [0, 1).
    public func dropout(_ p: Float, training: Bool, rng: inout RandomGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else { throw TensorError.invalidArgument(op: "dropout", message: "probability \(p) is outside [0, 1)") }
        guard training, p > 0 else { return self }
        let scale = 1 / (1 - p)
        // u/2²⁴ < p  ⟺  u < ⌈p·2²⁴⌉ for integer u (p·2²⁴ is exact in Double).
        let threshold = UInt32((Double(p) * 16_777_216).rounded(.up))
        let out = Tensor(uninitialized: shape)
        let x = contiguousData()
        let base = rng.next()
        let seedRun = { (first: Int) in (0..<8).map { RandomGenerator(seed: base, stream: UInt64(first + $0)).state } }
        Kernels.dropout(x.data, out: out.data, count: count, threshold: threshold, scale: scale, seedRun: seedRun)
        return Tensor.record(out, name: "dropout", inputs: [self]) { g, _ in
            let gd = g.contiguousData(), dx = Tensor(uninitialized: gd.shape)
            Kernels.dropout(gd.data, out: dx.data, count: gd.count, threshold: threshold, scale: scale, seedRun: seedRun)
            return [dx]
        }
    }
}
