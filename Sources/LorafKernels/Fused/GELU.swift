extension Kernels {
    /// Elements per parallel chunk of the element-wise kernels.
    static let elementGrain = 32_768

    /// y = 0.5·x·(1 + erf(x/√2)) over `count` floats: torch.nn.functional.gelu (BERT's "gelu"). y may alias x.
    public static func geluErfForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            set.geluErfForward(x + span.lowerBound, y + span.lowerBound, count: span.count)
        }
    }

    /// `geluErfForward` that also writes its derivative for the backward (dx = dy ⊙ derivative):
    /// Φ(x) + x·φ(x), Φ(x) = 0.5·(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π). x, y and derivative hold `count` floats;
    /// y may alias x. y equals `geluErfForward`'s bit for bit.
    public static func geluErfForwardAndDerivative(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                                   derivative: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            let at = span.lowerBound
            set.geluErfForwardAndDerivative(x + at, y + at, derivative: derivative + at, count: span.count)
        }
    }

    /// y = silu(gate)·up = gate·σ(gate)·up over `count` floats: the SwiGLU gate of a Llama MLP (Shazeer 2020;
    /// transformers' `act_fn(gate_proj(x)) * up_proj(x)` with act_fn = SiLU). y may alias either input.
    public static func swigluForward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            let at = span.lowerBound
            set.swigluForward(gate: gate + at, up: up + at, y: y + at, count: span.count)
        }
    }

    /// Gradient of `swigluForward`: with s = σ(gate), dgate = dy·up·s·(1 + gate·(1 − s)) and dup = dy·gate·s.
    public static func swigluBackward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                      dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            let at = span.lowerBound
            set.swigluBackward(gate: gate + at, up: up + at, dy: dy + at, dgate: dgate + at, dup: dup + at, count: span.count)
        }
    }

    /// y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) over `count` floats: torch's gelu(approximate="tanh").
    /// y may alias x.
    public static func geluTanhForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            set.geluTanhForward(x + span.lowerBound, y + span.lowerBound, count: span.count)
        }
    }

    /// Gradient of `geluTanhForward`: with u = √(2/π)·(x + 0.044715·x³) and t = tanh(u),
    /// dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)). dx may alias dy.
    public static func geluTanhBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                        count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            let at = span.lowerBound
            set.geluTanhBackward(x: x + at, dy: dy + at, dx: dx + at, count: span.count)
        }
    }

    /// y[r, c] = gelu_erf(x[r, c] + bias[c]) for x, y [rows×cols] and bias [cols], in one pass. y may alias x.
    public static func biasGeluErfForward(x: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                          rows: Int, cols: Int) {
        guard cols > 0 else { return }
        let set = fused
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in
            set.biasGeluErfRows(x: x, bias: bias, y: y, rows: range, cols: cols)
        }
    }
}
