import Foundation

extension Kernels {
    /// Rows processed per parallel chunk: about 64 Ki floats.
    static func rowGrain(cols: Int) -> Int { max(1, 65_536 / max(cols, 1)) }

    /// y[r, :] = softmax(x[r, :]) over each of `rows` rows of `cols` floats (contiguous, [rows×cols]).
    /// Max-subtracted: exp(x − max) / Σ exp(x − max). `y` may alias `x`.
    public static func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0 else { return }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
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
    }

    /// Gradient of `softmaxRows`: dx = y ⊙ (dy − Σ_j dy·y) per row, from the forward output y. All [rows×cols];
    /// `dx` may alias `dy`.
    public static func softmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                           rows: Int, cols: Int) {
        guard cols > 0 else { return }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
                let (yr, dyr, dxr) = (y + r * cols, dy + r * cols, dx + r * cols)
                let dot = rowDot(yr, dyr, cols)
                forEachLanes(count: cols) { i, live in
                    storeLanes(loadLanes(yr + i, live) * (loadLanes(dyr + i, live) - dot), dxr + i, live)
                }
            }
        }
    }

    /// y[r, :] = x − max − log Σ exp(x − max) per row (log-softmax, [rows×cols]). `y` may alias `x`.
    public static func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0 else { return }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
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
    }

    /// Gradient of `logSoftmaxRows`: dx = dy − exp(y) · Σ_j dy per row, from the forward output y ([rows×cols]).
    /// `dx` may alias `dy`.
    public static func logSoftmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                              rows: Int, cols: Int) {
        guard cols > 0 else { return }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
                let (yr, dyr, dxr) = (y + r * cols, dy + r * cols, dx + r * cols)
                var sums = Lanes()
                forEachLanes(count: cols) { i, live in sums += loadLanes(dyr + i, live) }
                let total = sums.sum()
                forEachLanes(count: cols) { i, live in
                    storeLanes(loadLanes(dyr + i, live) - VectorMath.exp(loadLanes(yr + i, live)) * total, dxr + i, live)
                }
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
