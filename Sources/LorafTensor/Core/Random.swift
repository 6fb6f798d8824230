/// A small, fast, seedable pseudo-random generator: xoshiro256** (Blackman & Vigna 2018), seeded through
/// SplitMix64. Its whole state is four `UInt64` words, so it can be saved in a checkpoint and restored exactly.
///
/// One seed fixes initialisation, dropout and data order in loraf; each consumer derives its own stream with
/// `RandomGenerator(seed:stream:)` so that adding draws in one place does not shift another.
public struct RandomGenerator: RandomNumberGenerator, Codable, Equatable {
    public private(set) var state: [UInt64]

    /// A generator for `seed`; `stream` selects an independent sequence for the same seed.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = seed &+ stream &* 0xD1B5_4A32_D192_ED03
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitMix(), splitMix(), splitMix(), splitMix()]
    }

    /// Restores a generator from a saved `state` (four words).
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        self.state = state
    }

    public mutating func next() -> UInt64 {
        var result: UInt64 = 0
        draws(1) { _, word in result = word }
        return result
    }

    /// Calls `body(i, word)` for i in 0..<count with the next `count` outputs of `next()` (the same sequence),
    /// keeping the state in registers for the whole run instead of in the `state` array.
    @inline(__always)
    mutating func draws(_ count: Int, _ body: (_ index: Int, _ word: UInt64) -> Void) {
        var (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
        for i in 0..<max(count, 0) {
            let result = Self.rotl(s1 &* 5, 7) &* 9
            let t = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = Self.rotl(s3, 45)
            body(i, result)
        }
        (state[0], state[1], state[2], state[3]) = (s0, s1, s2, s3)
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Float {
        var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
