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
        guard let draw = try DropoutDraw(p, training: training, rng: &rng) else { return self }
        let out = draw.applied(to: self)
        return Tensor.record(out, name: "dropout", inputs: [self]) { g, _ in [draw.applied(to: g)] }
    }

    /// dropout(self, p) · Wᵀ (self [..., in], W [out, in] → [..., out]) without keeping the dropped copy of self
    /// between the passes: the backward draws the mask again (``dropout(_:training:rng:)``'s draw, the same words of
    /// `rng`) and drops a fresh copy for dW = gᵀ · dropout(x), and dx = dropout(g · W) with that mask. Values and
    /// gradients equal `dropout(p, training:rng:).linear(weight:)`'s bit for bit; the memory kept is self, which the
    /// caller usually holds anyway (a LoRA down-projection's input is the base layer's input).
    /// - Throws: `TensorError.invalidArgument` when p is outside [0, 1); `TensorError.shapeMismatch` as `linear`.
    public func droppedLinear(_ p: Float, training: Bool, rng: inout RandomGenerator, weight: Tensor) throws -> Tensor {
        guard let draw = try DropoutDraw(p, training: training, rng: &rng) else { return try linear(weight: weight) }
        let out = try GradMode.disabled { try draw.applied(to: self).linear(weight: weight) }
        let x = contiguousData(), w = weight.contiguousData(), inputShape = shape
        let rows = count / Swift.max(weight.shape[1], 1)
        return Tensor.record(out, name: "dropped_linear", inputs: [self, weight]) { g, needs in
            let gd = g.contiguousData()
            let dx = needs[0]
                ? draw.applied(to: Tensor.linearInputGradient(gd, weight: w, rows: rows, inputShape: inputShape, packed: nil))
                : nil
            let dw = needs[1] ? Tensor.linearWeightGradient(gd, input: draw.applied(to: x), rows: rows) : nil
            return [dx, dw]
        }
    }
}

/// One dropout draw: the threshold, the scale and the generators' seeds of one call, which apply the same mask to
/// any tensor of the same element count (the forward's input, the backward's gradient).
private struct DropoutDraw {
    let threshold: UInt32
    let scale: Float
    let base: UInt64

    /// nil when nothing is dropped (evaluation, or p = 0); otherwise draws the seed word from `rng`.
    init?(_ p: Float, training: Bool, rng: inout RandomGenerator) throws {
        guard p >= 0, p < 1 else { throw TensorError.invalidArgument(op: "dropout", message: "probability \(p) is outside [0, 1)") }
        guard training, p > 0 else { return nil }
        scale = 1 / (1 - p)
        // u/2²⁴ < p  ⟺  u < ⌈p·2²⁴⌉ for integer u (p·2²⁴ is exact in Double).
        threshold = UInt32((Double(p) * 16_777_216).rounded(.up))
        base = rng.next()
    }

    /// x ⊙ mask as a new dense tensor of x's shape (not recorded).
    func applied(to x: Tensor) -> Tensor {
        let source = x.contiguousData(), out = Tensor(uninitialized: x.shape), base = base
        Kernels.dropout(source.data, out: out.data, count: source.count, threshold: threshold, scale: scale) { first in
            (0..<8).map { RandomGenerator(seed: base, stream: UInt64(first + $0)).state }
        }
        return out
    }
}
