/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// constants as in Vigna's public-domain reference splitmix64.c). Used only to expand a 64-bit seed into
/// the 256-bit state of ``Xoshiro256StarStar``, as that generator's authors recommend.
struct SplitMix64 {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 2021):
/// a small, fast, well-tested 64-bit generator with a 256-bit state. Implemented here, rather than taken from
/// the standard library, so that data order is the same on every platform and Swift version and its state
/// can be saved in a checkpoint and restored exactly.
///
/// The state is `Codable` as four 16-digit hexadecimal strings (readable by any JSON reader without
/// 64-bit integer precision loss).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The four state words `s0...s3`; never all zero.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state with four successive outputs of SplitMix64 started at `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// Restores a saved state.
    /// - Throws: ``RandomStateError/allZeroState`` for the all-zero state, which the generator cannot leave.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) throws {
        guard state != (0, 0, 0, 0) else { throw RandomStateError.allZeroState }
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, by: 45)
        return result
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
    /// swap element i with a uniform j in 0...i).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        var i = elements.count - 1
        while i > 0 {
            elements.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.state == rhs.state }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }

    private enum CodingKeys: String, CodingKey { case state }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([String].self, forKey: .state)
        let values = words.compactMap { UInt64($0, radix: 16) }
        guard words.count == 4, values.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container,
                debugDescription: "expected 4 hexadecimal 64-bit words, got \(words)")
        }
        do {
            try self.init(state: (values[0], values[1], values[2], values[3]))
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let words = [state.0, state.1, state.2, state.3].map { word -> String in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        try container.encode(words, forKey: .state)
    }
}

/// Errors restoring a random generator state.
public enum RandomStateError: Error, Equatable, CustomStringConvertible {
    /// xoshiro256** stays at zero forever from the all-zero state.
    case allZeroState

    public var description: String { "xoshiro256** state must not be all zero" }
}

private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
