/// Float32 → bfloat16 for the activations the bf16 GEMM reads, 16 lanes at a time.
package enum BF16Rounding {
    /// Writes `count` floats at `x` as bfloat16 to `out` (16-bit elements in order, so element pairs form the
    /// 32-bit words the micro-kernel broadcasts), then a zero when `count` is odd: ⌈count/2⌉ words in all.
    ///
    /// Rounding is to nearest, ties to even, on the bit pattern (PyTorch's `round_to_nearest_even`, ggml's
    /// `ggml_compute_fp32_to_bf16`): bf16 = (bits + 0x7FFF + bit 16 of bits) >> 16; NaN becomes the quiet NaN
    /// 0x7FC0; values past the largest bf16 round to ±infinity; subnormals round like any other value.
    /// `LorafKernels`' `BF16.round` is its scalar twin.
    package static func roundRow(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<UInt16>) {
        typealias U = SIMD16<UInt32>
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= count {
            let bits = raw.loadUnaligned(fromByteOffset: 4 * i, as: U.self)
            let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16
            // All ones in NaN lanes (magnitude above 0x7F800000 makes the difference wrap past bit 31), else zero:
            // integer operations only, so no lane-by-lane select.
            let nan = 0 &- ((0x7F80_0000 &- (bits & 0x7FFF_FFFF)) &>> 31)
            let result = (rounded & ~nan) | (0x7FC0 & nan)
            for l in 0..<16 { out[i + l] = UInt16(truncatingIfNeeded: result[l]) }
            i += 16
        }
        while i < count {
            let bits = x[i].bitPattern
            out[i] = (bits & 0x7FFF_FFFF) > 0x7F80_0000 ? 0x7FC0 : UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
            i += 1
        }
        if count % 2 == 1 { out[count] = 0 }
    }
}
