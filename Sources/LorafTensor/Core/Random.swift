/// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 2021),
/// seeded through ``SplitMix64``: a small, fast, seedable generator with a 256-bit state. Implemented here,
/// rather than taken from the standard library, so that initialisation, dropout and data order are the same on
/// every platform and Swift version, and its state can be saved in a checkpoint and restored exactly.
///
/// One seed fixes initialisation, dropout and data order in loraf; each consumer derives its own stream with
/// `RandomGenerator(seed:stream:)` so that adding draws in one place does not shift another.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0, s1, s2, s3: UInt64

    /// The four state words `s0...s3`; never all zero.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator for `seed`: the state is four successive SplitMix64 outputs started at
    /// `seed + stream · 0xD1B54A32D192ED03`. `stream` selects an independent sequence for the same seed;
    /// stream 0 is the plain SplitMix64 seeding of the reference implementation.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed &+ stream &* 0xD1B5_4A32_D192_ED03)
        (s0, s1, s2, s3) = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// Restores a generator from a saved `state` (four words, as ``state`` gives them).
    /// - Throws: ``RandomStateError/wordCount(_:)`` unless there are four words,
    ///   ``RandomStateError/allZeroState`` for the all-zero state, which the generator cannot leave.
    public init(state: [UInt64]) throws {
        guard state.count == 4 else { throw RandomStateError.wordCount(state.count) }
        guard state.contains(where: { $0 != 0 }) else { throw RandomStateError.allZeroState }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The next word (xoshiro256**: Blackman and Vigna, 2018).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }
}

/// Errors restoring a ``RandomGenerator`` state.
public enum RandomStateError: Error, Equatable, CustomStringConvertible {
    /// The saved state does not have four words.
    case wordCount(Int)
    /// xoshiro256** stays at zero forever from the all-zero state.
    case allZeroState

    public var description: String {
        switch self {
        case .wordCount(let count): return "xoshiro256** state must have 4 words, got \(count)"
        case .allZeroState: return "xoshiro256** state must not be all zero"
        }
    }
}

@inline(__always) private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
