extension Kernels {
    /// Elements per parallel chunk of the element-wise kernels.
    static let elementGrain = 32_768

    /// y = 0.5·x·(1 + erf(x/√2)) over `count` floats: torch.nn.functional.gelu (BERT's "gelu"). y may alias x.
    public static func geluErfForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        forEachRange(count: count, grain: elementGrain) { span in
            forEachLanes(count: span.count) { i, live in
                let at = span.lowerBound + i
                storeLanes(geluErf(loadLanes(x + at, live)), y + at, live)
            }
        }
    }

    /// Gradient of `geluErfForward`: dx = dy·(Φ(x) + x·φ(x)), Φ(x) = 0.5·(1 + erf(x/√2)),
    /// φ(x) = e^(−x²/2)/√(2π). x, dy, dx hold `count` floats; dx may alias dy.
    public static func geluErfBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                       count: Int) {
        forEachRange(count: count, grain: elementGrain) { span in
            forEachLanes(count: span.count) { i, live in
                let at = span.lowerBound + i
                let v = loadLanes(x + at, live)
                let cdf = 0.5 * (1 + VectorMath.erf(v * 0.70710678118654752))
                let pdf = VectorMath.exp(-0.5 * v * v) * 0.39894228040143268
                storeLanes(loadLanes(dy + at, live) * (cdf + v * pdf), dx + at, live)
            }
        }
    }

    /// y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) over `count` floats: torch's gelu(approximate="tanh").
    /// y may alias x.
    public static func geluTanhForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        forEachRange(count: count, grain: elementGrain) { span in
            forEachLanes(count: span.count) { i, live in
                let at = span.lowerBound + i
                let v = loadLanes(x + at, live)
                let t = VectorMath.tanh(0.79788456080286536 * (v + 0.044715 * v * v * v))
                storeLanes(0.5 * v * (1 + t), y + at, live)
            }
        }
    }

    /// Gradient of `geluTanhForward`: with u = √(2/π)·(x + 0.044715·x³) and t = tanh(u),
    /// dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)). dx may alias dy.
    public static func geluTanhBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                        count: Int) {
        forEachRange(count: count, grain: elementGrain) { span in
            forEachLanes(count: span.count) { i, live in
                let at = span.lowerBound + i
                let v = loadLanes(x + at, live)
                let square = v * v
                let t = VectorMath.tanh(0.79788456080286536 * (v + 0.044715 * square * v))
                let one = Lanes(repeating: 1)
                let inner: Lanes = 0.79788456080286536 * (one + 0.134145 * square)
                let slope: Lanes = 0.5 * (one + t) + 0.5 * v * (one - t * t) * inner
                storeLanes(loadLanes(dy + at, live) * slope, dx + at, live)
            }
        }
    }

    /// y[r, c] = gelu_erf(x[r, c] + bias[c]) for x, y [rows×cols] and bias [cols], in one pass. y may alias x.
    public static func biasGeluErfForward(x: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                          rows: Int, cols: Int) {
        guard cols > 0 else { return }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
                let (xr, yr) = (x + r * cols, y + r * cols)
                forEachLanes(count: cols) { i, live in
                    storeLanes(geluErf(loadLanes(xr + i, live) + loadLanes(bias + i, live)), yr + i, live)
                }
            }
        }
    }

    @inline(__always)
    static func geluErf(_ v: Lanes) -> Lanes { 0.5 * v * (1 + VectorMath.erf(v * 0.70710678118654752)) }
}
