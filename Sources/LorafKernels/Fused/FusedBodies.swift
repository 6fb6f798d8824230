// The serial bodies of the fused kernels, written once and compiled three times: this file is shared through
// symbolic links by LorafKernelsAVX2 (ymm + FMA3) and LorafKernelsAVX512 (zmm + FMA), and compiled in
// LorafKernels for the SSE2 baseline. Each body covers one range of elements or rows; the public wrappers in
// GELU.swift, Softmax.swift and LayerNorm.swift split the work over threads and pick the module by `CPU.isa`.
// Formulas and shapes are documented on those wrappers.
import Foundation

extension ISAFused {
    package static func geluErfForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        forEachLanes(count: count) { i, live in storeLanes(geluErf(loadLanes(x + i, live)), y + i, live) }
    }

    /// y = x·Φ(x) and its derivative Φ(x) + x·φ(x) in one pass (the backward is then dx = dy · derivative);
    /// e^(−x²/2) is computed once and serves both φ and the erf inside Φ. y equals `geluErfForward`'s bit for bit.
    package static func geluErfForwardAndDerivative(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                                    derivative: UnsafeMutablePointer<Float>, count: Int) {
        forEachLanes(count: count) { i, live in
            let v = loadLanes(x + i, live)
            let z = v * 0.70710678118654752
            let gauss = VectorMath.exp(-(z * z))
            let erf = VectorMath.erf(z, expOfMinusSquare: gauss)
            storeLanes(0.5 * v * (1 + erf), y + i, live)
            storeLanes(mulAdd(v, gauss * 0.39894228040143268, 0.5 * (1 + erf)), derivative + i, live)
        }
    }

    package static func swigluForward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                      count: Int) {
        forEachLanes(count: count) { i, live in
            let g = loadLanes(gate + i, live)
            storeLanes(g / (1 + VectorMath.exp(-g)) * loadLanes(up + i, live), y + i, live)
        }
    }

    /// With s = σ(gate): dgate = dy·up·s·(1 + gate·(1 − s)), dup = dy·gate·s.
    package static func swigluBackward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                       dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, count: Int) {
        forEachLanes(count: count) { i, live in
            let g = loadLanes(gate + i, live), d = loadLanes(dy + i, live)
            let s = 1 / (1 + VectorMath.exp(-g))
            storeLanes(d * loadLanes(up + i, live) * s * mulAdd(g, 1 - s, Lanes(repeating: 1)), dgate + i, live)
            storeLanes(d * g * s, dup + i, live)
        }
    }

    package static func geluTanhForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        forEachLanes(count: count) { i, live in
            let v = loadLanes(x + i, live)
            let t = VectorMath.tanh(0.79788456080286536 * (v + 0.044715 * v * v * v))
            storeLanes(0.5 * v * (1 + t), y + i, live)
        }
    }

    package static func geluTanhBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                         count: Int) {
        forEachLanes(count: count) { i, live in
            let v = loadLanes(x + i, live)
            let square = v * v
            let t = VectorMath.tanh(0.79788456080286536 * (v + 0.044715 * square * v))
            let one = Lanes(repeating: 1)
            let inner: Lanes = 0.79788456080286536 * (one + 0.134145 * square)
            let slope: Lanes = 0.5 * (one + t) + 0.5 * v * (one - t * t) * inner
            storeLanes(loadLanes(dy + i, live) * slope, dx + i, live)
        }
    }

    package static func biasGeluErfRows(x: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                        rows: Range<Int>, cols: Int) {
        for r in rows {
            let (xr, yr) = (x + r * cols, y + r * cols)
            forEachLanes(count: cols) { i, live in
                storeLanes(geluErf(loadLanes(xr + i, live) + loadLanes(bias + i, live)), yr + i, live)
            }
        }
    }

    @inline(__always)
    static func geluErf(_ v: Lanes) -> Lanes { 0.5 * v * (1 + VectorMath.erf(v * 0.70710678118654752)) }

    package static func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int) {
        for r in rows {
            let (xr, yr) = (x + r * cols, y + r * cols)
            let shift = rowMax(xr, cols)
            var sums = Lanes()
            forEachLanes(count: cols) { i, live in
                var e = VectorMath.exp(loadLanes(xr + i, live) - shift)
                if live < Lanes.scalarCount { for l in live..<Lanes.scalarCount { e[l] = 0 } }
                sums += e
                storeLanes(e, yr + i, live)
            }
            let inverse = 1 / sums.sum()
            forEachLanes(count: cols) { i, live in storeLanes(loadLanes(yr + i, live) * inverse, yr + i, live) }
        }
    }

    package static func softmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                            rows: Range<Int>, cols: Int) {
        for r in rows {
            let (yr, dyr, dxr) = (y + r * cols, dy + r * cols, dx + r * cols)
            let dot = rowDot(yr, dyr, cols)
            forEachLanes(count: cols) { i, live in
                storeLanes(loadLanes(yr + i, live) * (loadLanes(dyr + i, live) - dot), dxr + i, live)
            }
        }
    }

    package static func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int) {
        for r in rows {
            let (xr, yr) = (x + r * cols, y + r * cols)
            let shift = rowMax(xr, cols)
            var sums = Lanes()
            forEachLanes(count: cols) { i, live in
                var e = VectorMath.exp(loadLanes(xr + i, live) - shift)
                if live < Lanes.scalarCount { for l in live..<Lanes.scalarCount { e[l] = 0 } }
                sums += e
            }
            let offset = shift + Foundation.log(sums.sum())
            forEachLanes(count: cols) { i, live in storeLanes(loadLanes(xr + i, live) - offset, yr + i, live) }
        }
    }

    package static func logSoftmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                               rows: Range<Int>, cols: Int) {
        for r in rows {
            let (yr, dyr, dxr) = (y + r * cols, dy + r * cols, dx + r * cols)
            var sums = Lanes()
            forEachLanes(count: cols) { i, live in sums += loadLanes(dyr + i, live) }
            let total = sums.sum()
            forEachLanes(count: cols) { i, live in
                storeLanes(loadLanes(dyr + i, live) - VectorMath.exp(loadLanes(yr + i, live)) * total, dxr + i, live)
            }
        }
    }

    package static func layerNormRows(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                      y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                      rstd: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int, eps: Float, centered: Bool) {
        for r in rows {
            let (xr, yr) = (x + r * cols, y + r * cols)
            var sums = Lanes()
            if centered { forEachLanes(count: cols) { i, live in sums += loadLanes(xr + i, live) } }
            let mu = sums.sum() / Float(cols)
            var squares = Lanes()
            forEachLanes(count: cols) { i, live in
                var d = loadLanes(xr + i, live) - mu
                if live < Lanes.scalarCount { for l in live..<Lanes.scalarCount { d[l] = 0 } }
                squares += d * d
            }
            let inverse = 1 / (squares.sum() / Float(cols) + eps).squareRoot()
            mean[r] = mu
            rstd[r] = inverse
            forEachLanes(count: cols) { i, live in
                var v = (loadLanes(xr + i, live) - mu) * inverse
                if let gamma { v *= loadLanes(gamma + i, live) }
                if let beta { v += loadLanes(beta + i, live) }
                storeLanes(v, yr + i, live)
            }
        }
    }

    /// dgamma += Σ_rows dy·x̂ and dbeta += Σ_rows dy over the columns `span` (either may be nil).
    package static func layerNormParameterGradients(dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                                    mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                                    dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?,
                                                    rows: Int, cols: Int, span: Range<Int>) {
        for r in 0..<rows {
            let (xr, dyr, mu, inv) = (x + r * cols, dy + r * cols, mean[r], rstd[r])
            var i = span.lowerBound
            while i < span.upperBound {
                let live = min(Lanes.scalarCount, span.upperBound - i)
                let g = loadLanes(dyr + i, live)
                if let dgamma { storeLanes(loadLanes(dgamma + i, live) + g * (loadLanes(xr + i, live) - mu) * inv, dgamma + i, live) }
                if let dbeta { storeLanes(loadLanes(dbeta + i, live) + g, dbeta + i, live) }
                i += live
            }
        }
    }

    package static func layerNormBackwardRows(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                              rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                              dx: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int, centered: Bool) {
        for r in rows {
            let (xr, dyr, dxr, mu, inv) = (x + r * cols, dy + r * cols, dx + r * cols, mean[r], rstd[r])
            var gSum = Lanes(), gxSum = Lanes()
            forEachLanes(count: cols) { i, live in
                var g = loadLanes(dyr + i, live)
                if let gamma { g *= loadLanes(gamma + i, live) }
                gSum += g
                gxSum += g * (loadLanes(xr + i, live) - mu) * inv
            }
            let gMean = centered ? gSum.sum() / Float(cols) : 0, gxMean = gxSum.sum() / Float(cols)
            forEachLanes(count: cols) { i, live in
                var g = loadLanes(dyr + i, live)
                if let gamma { g *= loadLanes(gamma + i, live) }
                let xhat = (loadLanes(xr + i, live) - mu) * inv
                storeLanes(inv * (g - gMean - xhat * gxMean), dxr + i, live)
            }
        }
    }

    /// max of `count` (> 0) floats.
    static func rowMax(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var m = Lanes(repeating: -.infinity)
        forEachLanes(count: count) { i, live in m = Lanes.maximum(m, loadLanes(p + i, live, fill: -.infinity)) }
        return m.max()
    }

    /// Σ a·b over `count` floats.
    static func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var s = Lanes()
        forEachLanes(count: count) { i, live in s += loadLanes(a + i, live) * loadLanes(b + i, live) }
        return s.sum()
    }
}
