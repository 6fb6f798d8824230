// The dropout body, written once and compiled per ISA like FusedBodies.swift (shared through symbolic links by
// LorafKernelsAVX2 and LorafKernelsAVX512; LorafKernels compiles the SSE2 baseline). The eight generator lanes are
// SIMD8<UInt64> on every ISA (one zmm, two ymm or four xmm), so the masks do not depend on the CPU.

extension ISAFused {
    /// Inverted dropout of `count` elements, 16 per step of the eight generators: element 16t + j (j < 8) takes the
    /// top 24 bits of generator j's t-th word, element 16t + 8 + j its bits 16..<40; an element is dropped (mask 0)
    /// when that integer is below `threshold` and kept (mask `scale`) otherwise; out = x · mask. Advances `lanes` by
    /// ⌈count / 16⌉ words each. `lanes` holds the states of the eight xoshiro256** generators: lane j of its four
    /// vectors is generator j's four words.
    package static func dropoutRun(_ x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                                   count: Int, lanes: inout (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>), threshold: UInt32, scale: Float) {
        var (s0, s1, s2, s3) = lanes
        defer { lanes = (s0, s1, s2, s3) }
        let kept = SIMD16<Float>(repeating: scale), limit = SIMD16<UInt32>(repeating: threshold)
        for i in stride(from: 0, to: count, by: 16) {
            // xoshiro256** (Blackman and Vigna, 2018): rotl(s1 · 5, 7) · 9, the products as shifts and adds.
            let times5 = (s1 &<< 2) &+ s1
            let rotated = (times5 &<< 7) | (times5 &>> 57)
            let word = (rotated &<< 3) &+ rotated
            let t = s1 &<< 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = (s3 &<< 45) | (s3 &>> 19)
            var keys = SIMD16<UInt32>()
            for j in 0..<8 {
                keys[j] = UInt32(truncatingIfNeeded: word[j] &>> 40)
                keys[j + 8] = UInt32(truncatingIfNeeded: word[j] &>> 16) & 0xFF_FFFF
            }
            let keep = kept.replacing(with: 0, where: keys .< limit)
            if count - i >= 16 {
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(out + i).storeBytes(of: v * keep, as: SIMD16<Float>.self)
            } else {
                for j in 0..<(count - i) {
                    out[i + j] = x[i + j] * keep[j]
                }
            }
        }
    }
}
