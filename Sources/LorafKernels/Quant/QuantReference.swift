/// The scalar twin of the block decoders: one element at a time, written as ggml's `dequantize_row_*`
/// (ggml-quants.c) and the Python `gguf` package's `quants.py` compute it, with the same float operations in the
/// same order and no fused multiply-add, so the results are bitwise those of the Python package.
/// The SIMD decoders (QuantBlocks.swift) are tested against it; it shares only `halfToFloat` and the k-quant
/// scale unpacking `kQuantScaleMin` with them.
enum QuantReference {
    /// Writes the `count` elements (a multiple of `format.blockElements`) stored at `blocks` to `output`.
    static func dequantize(_ format: QuantFormat, _ blocks: UnsafeRawPointer, count: Int,
                           _ output: UnsafeMutablePointer<Float>) {
        let n = format.blockElements
        for b in 0..<count / n {
            block(format, blocks + b * format.blockBytes, output + b * n)
        }
    }

    /// One block of `format` to `y[0..<format.blockElements]`.
    static func block(_ format: QuantFormat, _ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        switch format {
        case .f32: y[0] = Float(bitPattern: p.loadUnaligned(as: UInt32.self))
        case .f16: y[0] = half(p)
        case .bf16: y[0] = Float(bitPattern: UInt32(p.loadUnaligned(as: UInt16.self)) << 16)
        case .q4_0:
            let d = half(p)
            for j in 0..<16 {
                let q = byte(p, 2 + j)
                y[j] = d * Float(Int(q & 15) - 8)
                y[j + 16] = d * Float(Int(q >> 4) - 8)
            }
        case .q4_1:
            let (d, m) = (half(p), half(p + 2))
            for j in 0..<16 {
                let q = byte(p, 4 + j)
                y[j] = d * Float(q & 15) + m
                y[j + 16] = d * Float(q >> 4) + m
            }
        case .q5_0:
            let d = half(p), high = p.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            for j in 0..<16 {
                let q = byte(p, 6 + j)
                y[j] = d * Float(Int(q & 15 | fifthBit(high, j)) - 16)
                y[j + 16] = d * Float(Int(q >> 4 | fifthBit(high, j + 16)) - 16)
            }
        case .q5_1:
            let (d, m) = (half(p), half(p + 2)), high = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            for j in 0..<16 {
                let q = byte(p, 8 + j)
                y[j] = d * Float(q & 15 | fifthBit(high, j)) + m
                y[j + 16] = d * Float(q >> 4 | fifthBit(high, j + 16)) + m
            }
        case .q8_0:
            let d = half(p)
            for j in 0..<32 { y[j] = Float(p.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
        case .q4_K, .q5_K: kQuant4Or5(p, y, fifthBits: format == .q5_K)
        case .q6_K: q6K(p, y)
        }
    }

    /// Q4_K (144 bytes) and Q5_K (176 bytes: 32 bytes of fifth bits before the nibbles): four chunks of 64,
    /// sub-block 2c the low nibbles of 32 bytes, 2c + 1 their high nibbles; x = (d·scale)·q − dmin·min.
    private static func kQuant4Or5(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, fifthBits: Bool) {
        let (d, dmin) = (half(p), half(p + 2))
        let nibbles = fifthBits ? 48 : 16
        for chunk in 0..<4 {
            for nibble in 0..<2 {
                let sub = 2 * chunk + nibble
                let (scale, minimum) = kQuantScaleMin(p + 4, sub)
                let factor = d * scale, offset = dmin * minimum
                for l in 0..<32 {
                    let packed = byte(p, nibbles + 32 * chunk + l)
                    var q = nibble == 0 ? packed & 15 : packed >> 4
                    if fifthBits { q |= (byte(p, 16 + l) >> sub & 1) << 4 }
                    y[64 * chunk + 32 * nibble + l] = factor * Float(q) - offset
                }
            }
        }
    }

    /// Q6_K (210 bytes): two halves of 128; in half h element 32s + l (s < 4, l < 32) takes nibble s / 2 of
    /// byte 64h + 32(s % 2) + l, bits 2s..2s+1 of byte 128 + 32h + l as its high bits, scale 8h + 2s + l / 16.
    private static func q6K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p + 208)
        for h in 0..<2 {
            for s in 0..<4 {
                for l in 0..<32 {
                    let low = byte(p, 64 * h + 32 * (s % 2) + l) >> (4 * (s / 2)) & 15
                    let high = byte(p, 128 + 32 * h + l) >> (2 * s) & 3
                    let scale = p.load(fromByteOffset: 192 + 8 * h + 2 * s + l / 16, as: Int8.self)
                    y[128 * h + 32 * s + l] = d * Float(scale) * Float(Int(low | high << 4) - 32)
                }
            }
        }
    }

    private static func fifthBit(_ high: UInt32, _ j: Int) -> UInt8 { UInt8(truncatingIfNeeded: high >> j & 1) << 4 }

    private static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 { p.load(fromByteOffset: offset, as: UInt8.self) }

    private static func half(_ p: UnsafeRawPointer) -> Float { halfToFloat(p) }
}
