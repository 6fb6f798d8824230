extension Kernels {
    /// Inverted dropout of `count` floats: out[i] = x[i] · mask[i] with mask[i] = 0 (dropped) or `scale`. The mask is
    /// not stored: run again with the same seeds on the output's gradient, it gives the input's gradient (the same
    /// mask and scale); on ones, it gives the mask.
    ///
    /// The elements are split into ⌈count / 65,536⌉ equal runs, spread over the threads. The run whose first element is s
    /// draws from eight xoshiro256** generators (Blackman and Vigna, 2018) whose states `seedRun(s)` gives (four
    /// words per generator), stepped together: element s + 16t + j takes the top 24 bits of generator j's t-th word
    /// (j < 8) and element s + 16t + 8 + j its bits 16..<40, a uniform integer in [0, 2²⁴); the element is dropped
    /// when it is below `threshold` (⌈p · 2²⁴⌉ for probability p). The masks depend only on the seeds, never on
    /// the thread count or the ISA.
    public static func dropout(_ x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                               count: Int, threshold: UInt32, scale: Float,
                               seedRun: (_ firstElement: Int) -> [[UInt64]]) {
        let set = fused
        Parallel.forEach(count: count, grain: 65_536) { run in
            let states = seedRun(run.lowerBound)
            precondition(states.count == 8 && states.allSatisfy { $0.count == 4 }, "seedRun must give 8 states of 4 words")
            var lanes = (SIMD8<UInt64>(), SIMD8<UInt64>(), SIMD8<UInt64>(), SIMD8<UInt64>())
            for j in 0..<8 {
                (lanes.0[j], lanes.1[j], lanes.2[j], lanes.3[j]) = (states[j][0], states[j][1], states[j][2], states[j][3])
            }
            let at = run.lowerBound
            set.dropoutRun(x + at, out: out + at, count: run.count, lanes: &lanes, threshold: threshold, scale: scale)
        }
    }
}
