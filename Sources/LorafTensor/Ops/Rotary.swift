import Foundation

/// Rotary position embeddings (Su et al. 2021, "RoFormer"), in the rotate-half form of transformers'
/// `apply_rotary_pos_emb`: y = x ⊙ cos + rotate_half(x) ⊙ sin with rotate_half(x) = [−x₂, x₁] (x₁, x₂ the two
/// halves of the last axis) and cos/sin the same for both halves.
extension Tensor {
    /// cos and sin of rotary `angles` [B, S, d/2] (radians: position × inverse frequency), computed once per forward
    /// pass and shared by every layer's ``rotaryEmbedding(cos:sin:)``.
    public static func rotaryTables(angles: Tensor) -> (cos: Tensor, sin: Tensor) {
        let theta = angles.contiguousData()
        let cos = Tensor(uninitialized: angles.shape), sin = Tensor(uninitialized: angles.shape)
        for i in 0..<angles.count {
            cos.data[i] = Float(Foundation.cos(Double(theta.data[i])))
            sin.data[i] = Float(Foundation.sin(Double(theta.data[i])))
        }
        return (cos, sin)
    }

    /// Rotates pairs (i, i + d/2) of the last axis of `self` [B, H, S, d] by the angles whose `cos` and `sin`
    /// [B, S, d/2] are given (``rotaryTables(angles:)``). Gradient: dx = g ⊙ cos + rotate_halfᵀ(g ⊙ sin),
    /// rotate_halfᵀ(z) = [z₂, −z₁].
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not agree or d is odd.
    public func rotaryEmbedding(cos: Tensor, sin: Tensor) throws -> Tensor {
        guard rank == 4, cos.rank == 3, shape[3] % 2 == 0, cos.shape == [shape[0], shape[2], shape[3] / 2], sin.shape == cos.shape else {
            throw TensorError.shapeMismatch(op: "rotary_embedding", lhs: shape, rhs: cos.shape,
                                            detail: "x must be [B, H, S, d] with even d and cos/sin [B, S, d/2]")
        }
        let (b, h, s, d) = (shape[0], shape[1], shape[2], shape[3]), half = d / 2
        let cos = cos.contiguousData(), sin = sin.contiguousData()
        // sign = +1: forward rotation; −1: its transpose (the backward).
        func rotate(_ x: Tensor, sign: Float) -> Tensor {
            let src = x.contiguousData(), out = Tensor(uninitialized: x.shape)
            for bi in 0..<b {
                for hi in 0..<h {
                    for si in 0..<s {
                        let row = ((bi * h + hi) * s + si) * d, table = (bi * s + si) * half
                        let xp = src.data + row, yp = out.data + row, c = cos.data + table, sn = sin.data + table
                        for j in 0..<half {
                            let x1 = xp[j], x2 = xp[j + half]
                            yp[j] = x1 * c[j] - sign * x2 * sn[j]
                            yp[j + half] = x2 * c[j] + sign * x1 * sn[j]
                        }
                    }
                }
            }
            return out
        }
        return Tensor.record(rotate(self, sign: 1), name: "rotary_embedding", inputs: [self]) { g, _ in [rotate(g, sign: -1)] }
    }
}
