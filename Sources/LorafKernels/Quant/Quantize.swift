extension Kernels {
    /// The formats `quantize(_:as:)` writes: the float types and the 32-element block types whose reference
    /// quantizers are plain rounding (the k-quants' search for scales is not implemented).
    public static let quantizableFormats: Set<QuantFormat> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0]

    /// `values` encoded as `format`'s blocks, back to back (`values.count / format.blockElements` blocks), rounded
    /// exactly as ggml's `quantize_row_*_ref` (ggml-quants.c, the quantizers llama.cpp's tools use to make model files):
    /// - Q4_0 / Q5_0: d = v / −8 (−16) for the v of largest magnitude, q = min(15 (31), trunc(x/d + 8.5 (16.5)));
    /// - Q4_1 / Q5_1: d = (max − min) / 15 (31), m = min, q = trunc((x − min)/d + 0.5) (Q4_1 capped at 15);
    /// - Q8_0: d = max|x| / 127, q = round-half-away(x/d);
    /// with 1/d taken once per block (0 when d is 0) and d, m stored as IEEE half (round to nearest even); F16 and
    /// BF16 round to nearest even. So `dequantize(quantize(x))` equals what llama.cpp would store for `x`.
    ///
    /// - Throws: `QuantError.notQuantizable` for a format outside `quantizableFormats`, `.partialBlock` when
    ///   `values.count` is not a whole number of blocks, `.nonFinite` naming the first NaN or infinity.
    public static func quantize(_ values: [Float], as format: QuantFormat) throws -> [UInt8] {
        guard quantizableFormats.contains(format) else { throw QuantError.notQuantizable(format) }
        let bytes = try format.rowBytes(elements: values.count)
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw QuantError.nonFinite(index: bad, value: values[bad]) }
        var out = [UInt8](repeating: 0, count: bytes)
        let n = format.blockElements
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBytes { y in
                for b in 0..<(values.count / n) {
                    QuantEncoder.block(format, x.baseAddress! + b * n, y.baseAddress! + b * format.blockBytes)
                }
            }
        }
        return out
    }
}

/// The block encoders behind `Kernels.quantize`: one block of `format.blockElements` finite floats at a time.
enum QuantEncoder {
    static func block(_ format: QuantFormat, _ x: UnsafePointer<Float>, _ p: UnsafeMutableRawPointer) {
        switch format {
        case .f32: p.storeBytes(of: x[0].bitPattern.littleEndian, as: UInt32.self)
        case .f16: storeHalf(x[0], p)
        case .bf16: p.storeBytes(of: bfloat16Bits(x[0]).littleEndian, as: UInt16.self)
        case .q4_0: symmetric(x, p, levels: 8, quantBytes: 2)
        case .q5_0: symmetric(x, p, levels: 16, quantBytes: 6)
        case .q4_1: offset(x, p, levels: 15, quantBytes: 4)
        case .q5_1: offset(x, p, levels: 31, quantBytes: 8)
        case .q8_0: q8(x, p)
        case .q4_K, .q5_K, .q6_K: preconditionFailure("\(format) has no encoder") // refused by quantize(_:as:)
        }
    }

    /// Q4_0 (`levels` 8) and Q5_0 (16): x ≈ d·(q − levels) with d = v / −levels for the v of largest |v| (the first
    /// such), q = min(2·levels − 1, trunc(x·(1/d) + levels + 0.5)). Q5_0 keeps the fifth bits in a u32 after d.
    private static func symmetric(_ x: UnsafePointer<Float>, _ p: UnsafeMutableRawPointer, levels: Int, quantBytes: Int) {
        var amax: Float = 0, extreme: Float = 0
        for j in 0..<32 where amax < abs(x[j]) {
            amax = abs(x[j])
            extreme = x[j]
        }
        let d = extreme / -Float(levels)
        let id: Float = d != 0 ? 1 / d : 0
        storeHalf(d, p)
        let bias = Float(levels) + 0.5
        pack(p, quantBytes: quantBytes, fifthBits: levels == 16) { j in Swift.min(2 * levels - 1, truncatedLowByte(x[j] * id + bias)) }
    }

    /// Q4_1 (`levels` 15) and Q5_1 (31): x ≈ d·q + m with m = min, d = (max − min) / levels,
    /// q = trunc((x − min)·(1/d) + 0.5), capped at 15 for Q4_1 (Q5_1 keeps the low five bits, as ggml does).
    private static func offset(_ x: UnsafePointer<Float>, _ p: UnsafeMutableRawPointer, levels: Int, quantBytes: Int) {
        var low = Float.greatestFiniteMagnitude, high = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            if x[j] < low { low = x[j] }
            if x[j] > high { high = x[j] }
        }
        let d = (high - low) / Float(levels)
        let id: Float = d != 0 ? 1 / d : 0
        storeHalf(d, p)
        storeHalf(low, p + 2)
        pack(p, quantBytes: quantBytes, fifthBits: levels == 31) { j in
            let q = truncatedLowByte((x[j] - low) * id + 0.5)
            return levels == 15 ? Swift.min(15, q) : q
        }
    }

    /// Element j's 4 low bits go to byte `quantBytes + j % 16` (low nibble for j < 16, high for the rest); with
    /// `fifthBits`, bit 4 of element j goes to bit j of the u32 just before the nibbles.
    private static func pack(_ p: UnsafeMutableRawPointer, quantBytes: Int, fifthBits: Bool, _ q: (Int) -> Int) {
        var high: UInt32 = 0
        for j in 0..<16 {
            let (a, b) = (q(j), q(j + 16))
            p.storeBytes(of: UInt8(truncatingIfNeeded: (a & 15) | (b & 15) << 4), toByteOffset: quantBytes + j, as: UInt8.self)
            high |= UInt32((a >> 4) & 1) << j | UInt32((b >> 4) & 1) << (j + 16)
        }
        if fifthBits { p.storeBytes(of: high.littleEndian, toByteOffset: quantBytes - 4, as: UInt32.self) }
    }

    /// Q8_0: d = max|x| / 127, q = roundf(x·(1/d)) (halves away from zero).
    private static func q8(_ x: UnsafePointer<Float>, _ p: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for j in 0..<32 { amax = Swift.max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        storeHalf(d, p)
        for j in 0..<32 {
            let q = truncatedLowByte((x[j] * id).rounded(.toNearestOrAwayFromZero))
            p.storeBytes(of: UInt8(truncatingIfNeeded: q), toByteOffset: 2 + j, as: UInt8.self)
        }
    }

    /// C's `(int8_t)v` as compiled for x86 (cvttss2si, then the low byte), as a signed value: truncation toward
    /// zero for the in-range values a finite block gives; the low byte of INT32_MIN (0) where the conversion fails.
    private static func truncatedLowByte(_ v: Float) -> Int {
        let whole: Int32 = v.isFinite && abs(v) < 2_147_483_648 ? Int32(v) : Int32.min
        return Int(Int8(truncatingIfNeeded: whole))
    }

    private static func storeHalf(_ value: Float, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: Float16(value).bitPattern.littleEndian, as: UInt16.self)
    }

    /// The high half of `value`'s bits rounded to nearest even (ggml's `ggml_compute_fp32_to_bf16` for finite values).
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let u = value.bitPattern
        return UInt16(truncatingIfNeeded: (u &+ (0x7fff &+ ((u >> 16) & 1))) >> 16)
    }
}
