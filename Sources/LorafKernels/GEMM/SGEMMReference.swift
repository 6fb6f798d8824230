extension Kernels {
    /// Scalar twin of `sgemm` for tests: the naive triple loop with Double accumulation.
    /// Same parameters, shapes and beta == 0 / empty-size rules as `sgemm`.
    public static func sgemmReference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<max(k, 0) {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                let product = Double(alpha) * sum
                c[i * ldc + j] = beta == 0 ? Float(product) : Float(product + Double(beta) * Double(c[i * ldc + j]))
            }
        }
    }
}
