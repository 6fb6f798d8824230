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

    public mutating func next() -> UInt64 {
        var result: UInt64 = 0
        draws(1) { _, word in result = word }
        return result
    }

    /// Calls `body(i, word)` for i in 0..<count with the next `count` outputs of `next()` (the same sequence),
    /// keeping the state in local variables (registers) for the whole run: dropout draws millions of words a step.
    @inline(__always)
    mutating func draws(_ count: Int, _ body: (_ index: Int, _ word: UInt64) -> Void) {
        var (a, b, c, d) = (s0, s1, s2, s3)
        for i in 0..<max(count, 0) {
            let result = rotateLeft(b &* 5, by: 7) &* 9
            let t = b << 17
            c ^= a
            d ^= b
            b ^= c
            a ^= d
            c ^= t
            d = rotateLeft(d, by: 45)
            body(i, result)
        }
        (s0, s1, s2, s3) = (a, b, c, d)
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
