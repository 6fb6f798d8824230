import Foundation

/// Scalar twins of the fused kernels for tests: plain loops in Double with Foundation's exp/erf/tanh,
/// same parameters and formulas as the vector versions.
extension Kernels {
    public static func softmaxRowsReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x[r * cols + $0]) }
            guard let top = row.max() else { continue }
            let e = row.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            for j in 0..<cols { y[r * cols + j] = Float(e[j] / total) }
        }
    }

    public static func softmaxRowsBackwardReference(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                                    dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let dot = (0..<cols).reduce(0.0) { $0 + Double(y[r * cols + $1]) * Double(dy[r * cols + $1]) }
            for j in 0..<cols { dx[r * cols + j] = Float(Double(y[r * cols + j]) * (Double(dy[r * cols + j]) - dot)) }
        }
    }

    public static func logSoftmaxRowsReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x[r * cols + $0]) }
            guard let top = row.max() else { continue }
            let offset = top + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - top) })
            for j in 0..<cols { y[r * cols + j] = Float(row[j] - offset) }
        }
    }

    public static func logSoftmaxRowsBackwardReference(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                                       dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let total = (0..<cols).reduce(0.0) { $0 + Double(dy[r * cols + $1]) }
            for j in 0..<cols {
                dx[r * cols + j] = Float(Double(dy[r * cols + j]) - Foundation.exp(Double(y[r * cols + j])) * total)
            }
        }
    }

    public static func layerNormForwardReference(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                                 y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                                 rstd: UnsafeMutablePointer<Float>, rows: Int, cols: Int, eps: Float) {
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x[r * cols + $0]) }
            let mu = row.reduce(0, +) / Double(cols)
            let variance = row.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(cols)
            let inverse = 1 / (variance + Double(eps)).squareRoot()
            mean[r] = Float(mu)
            rstd[r] = Float(inverse)
            for j in 0..<cols {
                y[r * cols + j] = Float((row[j] - mu) * inverse * Double(gamma?[j] ?? 1) + Double(beta?[j] ?? 0))
            }
        }
    }

    public static func layerNormBackwardReference(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                                  rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                                  dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>?,
                                                  dbeta: UnsafeMutablePointer<Float>?, rows: Int, cols: Int) {
        for r in 0..<rows {
            let inverse = Double(rstd[r])
            let xhat = (0..<cols).map { (Double(x[r * cols + $0]) - Double(mean[r])) * inverse }
            let g = (0..<cols).map { Double(dy[r * cols + $0]) * Double(gamma?[$0] ?? 1) }
            let gMean = g.reduce(0, +) / Double(cols)
            let gxMean = zip(g, xhat).reduce(0) { $0 + $1.0 * $1.1 } / Double(cols)
            for j in 0..<cols {
                dgamma?[j] += Float(Double(dy[r * cols + j]) * xhat[j])
                dbeta?[j] += dy[r * cols + j]
                dx[r * cols + j] = Float(inverse * (g[j] - gMean - xhat[j] * gxMean))
            }
        }
    }

    public static func geluErfForwardReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Float(geluErfReference(Double(x[i]))) }
    }

    public static func geluErfBackwardReference(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                                count: Int) {
        for i in 0..<count {
            let v = Double(x[i])
            let cdf = 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot()))
            let pdf = Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
            dx[i] = Float(Double(dy[i]) * (cdf + v * pdf))
        }
    }

    public static func geluTanhForwardReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = Double(x[i])
            y[i] = Float(0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))))
        }
    }

    public static func geluTanhBackwardReference(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                                 count: Int) {
        let k = (2 / Double.pi).squareRoot()
        for i in 0..<count {
            let v = Double(x[i])
            let t = Foundation.tanh(k * (v + 0.044715 * v * v * v))
            dx[i] = Float(Double(dy[i]) * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v)))
        }
    }

    public static func biasGeluErfForwardReference(x: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                                   rows: Int, cols: Int) {
        for r in 0..<rows {
            for j in 0..<cols { y[r * cols + j] = Float(geluErfReference(Double(x[r * cols + j]) + Double(bias[j]))) }
        }
    }

    static func geluErfReference(_ v: Double) -> Double { 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot())) }
}
