import LorafTensor

/// y = x ⊙ l along the last axis, as a custom differentiable op (`Tensor.record`).
///
/// Shapes: `x` [..., n], `scale` any shape with n elements (IA³ keeps [n, 1] or [1, n]); result [..., n].
/// Gradients: ∂L/∂x = g ⊙ l, ∂L/∂l = Σ over the leading axes of g ⊙ x (reshaped to `scale`'s shape).
/// - Throws: `TensorError.shapeMismatch` when the last axis of `x` is not the element count of `scale`.
func scaleLastAxis(_ x: Tensor, by scale: Tensor) throws -> Tensor {
    let n = scale.count
    guard x.rank >= 1, x.shape[x.rank - 1] == n else {
        throw TensorError.shapeMismatch(op: "ia3_scale", lhs: x.shape, rhs: scale.shape, detail: "the last axis of x must have one entry per scale")
    }
    let input = x.scalars, factors = scale.scalars
    var output = [Float](repeating: 0, count: input.count)
    for row in stride(from: 0, to: input.count, by: n) {
        for j in 0..<n { output[row + j] = input[row + j] * factors[j] }
    }
    let result = try Tensor(shape: x.shape, scalars: output)
    return Tensor.record(result, name: "ia3_scale", inputs: [x, scale]) { grad, needs in
        let g = grad.scalars
        var gradX: Tensor?, gradScale: Tensor?
        if needs[0] {
            var gx = [Float](repeating: 0, count: g.count)
            for row in stride(from: 0, to: g.count, by: n) {
                for j in 0..<n { gx[row + j] = g[row + j] * factors[j] }
            }
            gradX = try Tensor(shape: x.shape, scalars: gx)
        }
        if needs[1] {
            var gl = [Double](repeating: 0, count: n)
            for row in stride(from: 0, to: g.count, by: n) {
                for j in 0..<n { gl[j] += Double(g[row + j]) * Double(input[row + j]) }
            }
            gradScale = try Tensor(shape: scale.shape, scalars: gl.map { Float($0) })
        }
        return [gradX, gradScale]
    }
}
