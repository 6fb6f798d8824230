import LorafKernels

extension Tensor {
    /// Inverted dropout: in training each element is zeroed with probability `p` and the survivors scaled by
    /// 1/(1−p); in evaluation (`training == false`) or with p = 0 it returns self unchanged. Output: self's shape.
    ///
    /// The mask is drawn in parallel runs: the elements are split into ⌈count / 65,536⌉ equal runs, and the run
    /// starting at element s draws from `RandomGenerator(seed: w, stream: s)`, w being the next word of `rng` (one
    /// draw per call). Element i is dropped when the top 24 bits of its draw (a uniform in [0, 1) at 2⁻²⁴ resolution,
    /// as `RandomGenerator.nextUniform`) fall below p; the comparison is done on the integers, and the mask is drawn
    /// and applied in one pass. A seed fixes the mask, whatever the thread count. Gradient: the same mask and scale.
    /// - Throws: `TensorError.invalidArgument` when p is outside [0, 1).
    public func dropout(_ p: Float, training: Bool, rng: inout RandomGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else { throw TensorError.invalidArgument(op: "dropout", message: "probability \(p) is outside [0, 1)") }
        guard training, p > 0 else { return self }
        let scale = 1 / (1 - p)
        // u/2²⁴ < p  ⟺  u < ⌈p·2²⁴⌉ for integer u (p·2²⁴ is exact in Double).
        let threshold = UInt64((Double(p) * 16_777_216).rounded(.up))
        let mask = Tensor(uninitialized: shape), out = Tensor(uninitialized: shape)
        let x = contiguousData()
        let (source, maskData, outData) = (x.data, mask.data, out.data)
        let base = rng.next()
        Parallel.forEach(count: count, grain: 65_536) { run in
            var generator = RandomGenerator(seed: base, stream: UInt64(run.lowerBound))
            generator.draws(run.count) { offset, word in
                let i = run.lowerBound + offset
                let keep: Float = word >> 40 < threshold ? 0 : scale
                maskData[i] = keep
                outData[i] = source[i] * keep
            }
        }
        return Tensor.record(out, name: "dropout", inputs: [self]) { g, _ in [g.zipElements(mask, *)] }
    }
}
