import Foundation
import LorafKernels

/// Element-wise functions. Each keeps its forward and its derivative side by side.
extension Tensor {
    /// eˣ. d/dx = eˣ.
    public func exp() -> Tensor {
        let out = mapElements { Foundation.exp($0) }
        let y = out.detached()  // not `out`: capturing the result in its own node would be a cycle
        return Tensor.record(out, name: "exp", inputs: [self]) { g, _ in [g.zipElements(y, *)] }
    }

    /// Natural logarithm. d/dx = 1/x.
    public func log() -> Tensor {
        let x = detached()
        let out = mapElements { Foundation.log($0) }
        return Tensor.record(out, name: "log", inputs: [self]) { g, _ in [g.zipElements(x, /)] }
    }

    /// √x. d/dx = 1 / (2√x).
    public func sqrt() -> Tensor {
        let out = mapElements { $0.squareRoot() }
        let y = out.detached()
        return Tensor.record(out, name: "sqrt", inputs: [self]) { g, _ in [g.zipElements(y) { $0 / (2 * $1) }] }
    }

    /// tanh x. d/dx = 1 − tanh²x.
    public func tanh() -> Tensor {
        let out = mapElements { Foundation.tanh($0) }
        let y = out.detached()
        return Tensor.record(out, name: "tanh", inputs: [self]) { g, _ in [g.zipElements(y) { $0 * (1 - $1 * $1) }] }
    }

    /// max(x, 0). d/dx = 1 where x > 0, else 0.
    public func relu() -> Tensor {
        let x = detached()
        let out = mapElements { Swift.max($0, 0) }
        return Tensor.record(out, name: "relu", inputs: [self]) { g, _ in [g.zipElements(x) { $1 > 0 ? $0 : 0 }] }
    }

    /// SiLU (swish): x · σ(x). d/dx = σ(x) · (1 + x · (1 − σ(x))). Elfwing et al. 2018; torch.nn.SiLU.
    public func silu() -> Tensor {
        let x = detached()
        let out = mapElements { $0 / (1 + Foundation.exp(-$0)) }
        return Tensor.record(out, name: "silu", inputs: [self]) { g, _ in
            [g.zipElements(x) { gi, xi in
                let s = 1 / (1 + Foundation.exp(-xi))
                return gi * s * (1 + xi * (1 - s))
            }]
        }
    }

    /// SwiGLU's gate (Shazeer 2020, "GLU variants"; transformers' LlamaMLP): silu(gate) ⊙ up in one fused, parallel
    /// pass, `gate` and `up` of the same shape. Gradients: dgate = g ⊙ up ⊙ σ(gate)(1 + gate(1 − σ(gate))),
    /// dup = g ⊙ silu(gate).
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func swiglu(gate: Tensor, up: Tensor) throws -> Tensor {
        guard gate.shape == up.shape else {
            throw TensorError.shapeMismatch(op: "swiglu", lhs: gate.shape, rhs: up.shape, detail: "gate and up must have the same shape")
        }
        let g = gate.contiguousData(), u = up.contiguousData()
        let out = Tensor(uninitialized: gate.shape)
        Kernels.swigluForward(gate: g.data, up: u.data, y: out.data, count: out.count)
        let (savedGate, savedUp) = (g.detached(), u.detached())
        return record(out, name: "swiglu", inputs: [gate, up]) { dy, _ in
            let dGate = Tensor(uninitialized: savedGate.shape), dUp = Tensor(uninitialized: savedUp.shape)
            Kernels.swigluBackward(gate: savedGate.data, up: savedUp.data, dy: dy.contiguousData().data, dgate: dGate.data,
                                   dup: dUp.data, count: dGate.count)
            return [dGate, dUp]
        }
    }

    /// σ(x) = 1 / (1 + e⁻ˣ). d/dx = σ(1 − σ).
    public func sigmoid() -> Tensor {
        let out = mapElements { 1 / (1 + Foundation.exp(-$0)) }
        let y = out.detached()
        return Tensor.record(out, name: "sigmoid", inputs: [self]) { g, _ in [g.zipElements(y) { $0 * $1 * (1 - $1) }] }
    }

    /// GELU, exact erf form: x · Φ(x) = 0.5 x (1 + erf(x/√2)) (Hendrycks & Gimpel 2016; BERT's "gelu",
    /// torch.nn.functional.gelu). d/dx = Φ(x) + x φ(x), computed in the forward pass when a gradient will be needed
    /// and kept in place of x (the same memory), so the backward is one multiplication.
    public func gelu() -> Tensor {
        let x = contiguousData()
        let out = Tensor(uninitialized: shape)
        guard GradMode.isEnabled, requiresGrad else {
            Kernels.geluErfForward(x.data, out.data, count: count)
            return out
        }
        let derivative = Tensor(uninitialized: shape)
        Kernels.geluErfForwardAndDerivative(x.data, out.data, derivative: derivative.data, count: count)
        return Tensor.record(out, name: "gelu", inputs: [self]) { g, _ in
            let dx = Tensor(uninitialized: derivative.shape)
            Kernels.multiply(g.contiguousData().data, derivative.data, dx.data, count: derivative.count)
            return [dx]
        }
    }

    /// GELU, tanh approximation: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) (torch gelu(approximate="tanh"),
    /// "gelu_new" in transformers).
    public func geluTanh() -> Tensor {
        let x = contiguousData()
        let out = Tensor(uninitialized: shape)
        Kernels.geluTanhForward(x.data, out.data, count: count)
        return Tensor.record(out, name: "gelu_tanh", inputs: [self]) { g, _ in
            let dx = Tensor(uninitialized: x.shape)
            Kernels.geluTanhBackward(x: x.data, dy: g.contiguousData().data, dx: dx.data, count: x.count)
            return [dx]
        }
    }

    /// xᵖ for a constant exponent. d/dx = p xᵖ⁻¹.
    public func pow(_ p: Float) -> Tensor {
        let x = detached()
        let out = mapElements { Foundation.pow($0, p) }
        return Tensor.record(out, name: "pow", inputs: [self]) { g, _ in
            [g.zipElements(x) { $0 * p * Foundation.pow($1, p - 1) }]
        }
    }
}
