import LorafKernels

/// Normalisation layers' math over the last axis.
extension Tensor {
    /// Layer normalisation (Ba et al. 2016; torch.nn.functional.layer_norm over the last axis):
    /// y = (x − μ) / √(σ² + eps) · γ + β, with the biased variance σ². γ and β are [features].
    /// Gradients for x, γ and β from the fused kernel; γ/β gradients are skipped when they are frozen.
    public func layerNorm(gamma: Tensor, beta: Tensor, eps: Float) throws -> Tensor {
        let cols = shape.last ?? 0
        guard gamma.shape == [cols], beta.shape == [cols] else {
            throw TensorError.shapeMismatch(op: "layer_norm", lhs: shape, rhs: gamma.shape == [cols] ? beta.shape : gamma.shape,
                                            detail: "gamma and beta must be [\(cols)]")
        }
        let rows = count / Swift.max(cols, 1)
        let x = contiguousData(), g = gamma.contiguousData(), b = beta.contiguousData()
        let out = Tensor(uninitialized: shape)
        let mean = Tensor(uninitialized: [rows]), rstd = Tensor(uninitialized: [rows])
        Kernels.layerNormForward(x: x.data, gamma: g.data, beta: b.data, y: out.data, mean: mean.data, rstd: rstd.data,
                                 rows: rows, cols: cols, eps: eps)
        return Tensor.record(out, name: "layer_norm", inputs: [self, gamma, beta]) { dy, needs in
            let dx = Tensor(uninitialized: x.shape)
            let dgamma = needs[1] ? Tensor(zeros: [cols]) : nil, dbeta = needs[2] ? Tensor(zeros: [cols]) : nil
            Kernels.layerNormBackward(dy: dy.contiguousData().data, x: x.data, mean: mean.data, rstd: rstd.data, gamma: g.data,
                                      dx: dx.data, dgamma: dgamma?.data, dbeta: dbeta?.data, rows: rows, cols: cols)
            return [needs[0] ? dx : nil, dgamma, dbeta]
        }
    }

    /// RMS normalisation (Zhang & Sennrich 2019; Llama's RMSNorm as transformers computes it in float32):
    /// y = x / √(mean(x²) + eps) · w over the last axis, w [features]. One fused pass per row
    /// (`Kernels.layerNormForward(centered: false)`); the weight's gradient only when it is trainable.
    public func rmsNorm(weight: Tensor, eps: Float) throws -> Tensor {
        let cols = shape.last ?? 0
        guard weight.shape == [cols] else {
            throw TensorError.shapeMismatch(op: "rms_norm", lhs: shape, rhs: weight.shape, detail: "weight must be [\(cols)]")
        }
        let rows = count / Swift.max(cols, 1)
        let x = contiguousData(), w = weight.contiguousData()
        let out = Tensor(uninitialized: shape)
        let zeroMean = Tensor(uninitialized: [rows]), rstd = Tensor(uninitialized: [rows])   // the kernel writes mean 0
        Kernels.layerNormForward(x: x.data, gamma: w.data, beta: nil, y: out.data, mean: zeroMean.data, rstd: rstd.data,
                                 rows: rows, cols: cols, eps: eps, centered: false)
        return Tensor.record(out, name: "rms_norm", inputs: [self, weight]) { dy, needs in
            let dx = Tensor(uninitialized: x.shape), dw = needs[1] ? Tensor(zeros: [cols]) : nil
            Kernels.layerNormBackward(dy: dy.contiguousData().data, x: x.data, mean: zeroMean.data, rstd: rstd.data, gamma: w.data,
                                      dx: dx.data, dgamma: dw?.data, dbeta: nil, rows: rows, cols: cols, centered: false)
            return [needs[0] ? dx : nil, dw]
        }
    }
}
