#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension RandomGenerator {
    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box–Muller, from two 53-bit uniforms).
    public mutating func nextNormal() -> Float {
        var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A uniformly distributed integer in `0..<bound`, without modulo bias (Lemire, "Fast random integer
    /// generation in an interval", ACM TOMACS 2019: multiply, reject the few low products below `2⁶⁴ mod bound`).
    /// `bound` must be positive; callers pass collection sizes.
    public mutating func nextInt(below bound: Int) -> Int {
        let range = UInt64(bound)
        let threshold = (0 &- range) % range
        while true {
            let product = next().multipliedFullWidth(by: range)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// Shuffles `elements` in place by Fisher–Yates (Durstenfeld's version: for i from the last index down to 1,
    /// swap element i with a uniform j in 0...i, drawn by ``nextInt(below:)``).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        var i = elements.count - 1
        while i > 0 {
            elements.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
    }
}
