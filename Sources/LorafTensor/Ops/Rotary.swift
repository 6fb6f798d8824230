import Foundation

/// Rotary position embeddings (Su et al. 2021, "RoFormer"), in the rotate-half form of transformers'
/// `apply_rotary_pos_emb`: y = x ⊙ cos + rotate_half(x) ⊙ sin with rotate_half(x) = [−x₂, x₁] (x₁, x₂ the two
/// halves of the last axis) and cos/sin the same for both halves.
extension Tensor {
    /// cos and sin of rotary `angles` [T, d/2] (radians: position × inverse frequency, one row per token), computed
    /// once per forward pass and shared by every layer's ``rotaryEmbedding(cos:sin:)``.
    public static func rotaryTables(angles: Tensor) -> (cos: Tensor, sin: Tensor) {
        let theta = angles.contiguousData()
        let cos = Tensor(uninitialized: angles.shape), sin = Tensor(uninitialized: angles.shape)
        for i in 0..<angles.count {
            cos.data[i] = Float(Foundation.cos(Double(theta.data[i])))
            sin.data[i] = Float(Foundation.sin(Double(theta.data[i])))
        }
        return (cos, sin)
    }

    /// Rotates pairs (i, i + d/2) of every head of `self` [T, heads·d] (the token-major output of a q or k
    /// projection) by its token's angles, whose `cos` and `sin` [T, d/2] are given (``rotaryTables(angles:)``).
    /// Gradient: dx = g ⊙ cos + rotate_halfᵀ(g ⊙ sin), rotate_halfᵀ(z) = [z₂, −z₁].
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not agree or the width is not a multiple of d.
    public func rotaryEmbedding(cos: Tensor, sin: Tensor) throws -> Tensor {
        guard rank == 2, cos.rank == 2, cos.shape[0] == shape[0], cos.shape[1] > 0, shape[1] % (2 * cos.shape[1]) == 0,
              sin.shape == cos.shape else {
            throw TensorError.shapeMismatch(op: "rotary_embedding", lhs: shape, rhs: cos.shape,
                                            detail: "x must be [T, heads·d] and cos/sin [T, d/2]")
        }
        let tokens = shape[0], width = shape[1], half = cos.shape[1]
        let cos = cos.contiguousData(), sin = sin.contiguousData()
        // sign = +1: forward rotation; −1: its transpose (the backward).
        func rotate(_ x: Tensor, sign: Float) -> Tensor {
            let src = x.contiguousData(), out = Tensor(uninitialized: x.shape)
            for t in 0..<tokens {
                let c = cos.data + t * half, sn = sin.data + t * half
                for head in stride(from: t * width, to: (t + 1) * width, by: 2 * half) {
                    let xp = src.data + head, yp = out.data + head
                    for j in 0..<half {
                        let x1 = xp[j], x2 = xp[j + half]
                        yp[j] = x1 * c[j] - sign * x2 * sn[j]
                        yp[j + half] = x2 * c[j] + sign * x1 * sn[j]
                    }
                }
            }
            return out
        }
        return Tensor.record(rotate(self, sign: 1), name: "rotary_embedding", inputs: [self]) { g, _ in [rotate(g, sign: -1)] }
    }
}
