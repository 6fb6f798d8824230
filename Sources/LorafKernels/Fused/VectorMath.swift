// Shared by symbolic links with LorafKernelsAVX2 and LorafKernelsAVX512 (see Lanes.swift): each module compiles
// it for its own `Lanes` width, with `mulAdd` a fused multiply-add where the ISA has one.

/// Vectorised exp, erf and tanh for the fused kernels (accuracy tested against Foundation in
/// Tests/LorafKernelsTests/VectorMathTests.swift).
enum VectorMath {
    /// e^x, relative error ≈ 1e-7 for x in [-87.3, 88.7]; 0 below (no subnormal results), +inf above,
    /// NaN stays NaN. Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, then the degree-7 Taylor polynomial of
    /// e^r (truncation < 6e-9) and scaling by 2^n through the exponent bits.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let clamped = x.limited(-87.33654, 88.37626)
        // Round-to-nearest by adding 1.5·2²³: the sum's low mantissa bits then hold n as an integer, which both
        // gives n as a float and (through the bit pattern) 2ⁿ, without the scalarised generic SIMD conversions.
        let shifted = clamped * 1.442695041 + 12_582_912.0
        let n = shifted - 12_582_912.0
        let r = clamped - n * 0.693359375 - n * -2.12194440e-4   // ln 2 split in a short high part and the rest
        var p = Lanes(repeating: 1.0 / 5040)
        p = mulAdd(p, r, Lanes(repeating: 1.0 / 720))
        p = mulAdd(p, r, Lanes(repeating: 1.0 / 120))
        p = mulAdd(p, r, Lanes(repeating: 1.0 / 24))
        p = mulAdd(p, r, Lanes(repeating: 1.0 / 6))
        p = mulAdd(p, r, Lanes(repeating: 0.5))
        p = mulAdd(p, r, Lanes(repeating: 1))
        p = mulAdd(p, r, Lanes(repeating: 1))
        let exponent = (unsafeBitCast(shifted, to: LaneInts.self) &- 0x4B40_0000 &+ 127) &<< 23
        var result = p * unsafeBitCast(exponent, to: Lanes.self)
        result.replace(with: 0, where: x .< -87.33654)
        result.replace(with: .infinity, where: x .> 88.72283)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// erf(x), absolute error < 2e-7 over all x. |x| ≤ 1: x·P(x²) with P a degree-6 least-squares fit of
    /// erf(√t)/√t on t ∈ [0, 1]; 1 < |x| < 4: 1 − e^(−x²)·Q(u), u = (|x| − 2.5)/1.5, Q a degree-10 fit of
    /// erfc(x)·e^(x²) on [1, 4]; |x| ≥ 4: ±1 (erfc(4) ≈ 1.5e-8 is below Float resolution near 1).
    /// Coefficients fitted with numpy against Python's math.erf/erfc (see docs/kernels.md).
    @inline(__always)
    static func erf(_ x: Lanes) -> Lanes { erf(x, expOfMinusSquare: exp(-(x * x))) }

    /// erf(x) as above, given e^(−x²) (computed by the caller, e.g. GELU's backward, which needs it too).
    @inline(__always)
    static func erf(_ x: Lanes, expOfMinusSquare: Lanes) -> Lanes {
        let a = x.magnitude
        let t = a * a
        var p = Lanes(repeating: 7.882335922e-05)
        p = mulAdd(p, t, Lanes(repeating: -8.018806693e-04))
        p = mulAdd(p, t, Lanes(repeating: 5.189306568e-03))
        p = mulAdd(p, t, Lanes(repeating: -2.685432509e-02))
        p = mulAdd(p, t, Lanes(repeating: 1.128359735e-01))
        p = mulAdd(p, t, Lanes(repeating: -3.761262596e-01))
        p = mulAdd(p, t, Lanes(repeating: 1.128379107e+00))
        let small = a * p
        let u = (a.limited(1, 4) - 2.5) * (1 / 1.5)
        var q = Lanes(repeating: 9.640570352e-05)
        q = mulAdd(q, u, Lanes(repeating: -2.455057693e-04))
        q = mulAdd(q, u, Lanes(repeating: 3.678659850e-04))
        q = mulAdd(q, u, Lanes(repeating: -9.155574371e-04))
        q = mulAdd(q, u, Lanes(repeating: 2.425887156e-03))
        q = mulAdd(q, u, Lanes(repeating: -5.611767061e-03))
        q = mulAdd(q, u, Lanes(repeating: 1.248403545e-02))
        q = mulAdd(q, u, Lanes(repeating: -2.699778974e-02))
        q = mulAdd(q, u, Lanes(repeating: 5.611095950e-02))
        q = mulAdd(q, u, Lanes(repeating: -1.115214005e-01))
        q = mulAdd(q, u, Lanes(repeating: 2.108063549e-01))
        var result = Lanes(repeating: 1) - expOfMinusSquare * q
        result.replace(with: small, where: a .<= 1)
        result.replace(with: 1, where: a .>= 4)
        result.replace(with: -result, where: x .< 0)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// tanh(x), absolute error < 2e-7. |x| < 0.3: Taylor series to x¹¹ (truncation < 2e-9);
    /// else sign(x)·(1 − 2/(e^(2|x|) + 1)).
    @inline(__always)
    static func tanh(_ x: Lanes) -> Lanes {
        let a = x.magnitude
        let t = x * x
        var p = Lanes(repeating: -1382.0 / 155925)
        p = mulAdd(p, t, Lanes(repeating: 62.0 / 2835))
        p = mulAdd(p, t, Lanes(repeating: -17.0 / 315))
        p = mulAdd(p, t, Lanes(repeating: 2.0 / 15))
        p = mulAdd(p, t, Lanes(repeating: -1.0 / 3))
        let small = x + x * t * p
        var large = Lanes(repeating: 1) - 2 / (exp(2 * a) + 1)
        large.replace(with: -large, where: x .< 0)
        large.replace(with: small, where: a .< 0.3)
        return large
    }
}
