// The 256-element "k-quant" decoders (Q4_K, Q5_K, Q6_K), shared per ISA like QuantBlocks.swift.

/// Q4_K and Q5_K: f16 d, f16 dmin, 12 bytes of packed 6-bit (scale, min) for 8 sub-blocks of 32, then (Q5_K only)
/// 32 bytes of fifth bits, then 128 bytes of nibbles. Chunk c (64 elements) reads bytes 32c..<32c + 32: sub-block 2c
/// their low nibbles, 2c + 1 their high nibbles; bit s of fifth-bit byte l belongs to element l of sub-block s.
/// x = (d·scale)·q − dmin·min.
@inline(__always)
func decodeKQuant4Or5(_ p: UnsafeRawPointer, fifthBits: Bool, _ body: (Int, Lanes) -> Void) {
    let d = halfToFloat(p), dmin = halfToFloat(p + 2)
    let nibbles = p + (fifthBits ? 48 : 16)
    for chunk in 0..<4 {
        let (scaleLow, minLow) = kQuantScaleMin(p + 4, 2 * chunk)
        let (scaleHigh, minHigh) = kQuantScaleMin(p + 4, 2 * chunk + 1)
        let factorLow = Lanes(repeating: d * scaleLow), offsetLow = Lanes(repeating: dmin * minLow)
        let factorHigh = Lanes(repeating: d * scaleHigh), offsetHigh = Lanes(repeating: dmin * minHigh)
        for g in stride(from: 0, to: 32, by: Lanes.scalarCount) {
            let q = unsignedByteLanes(nibbles + 32 * chunk + g)
            var low = q & 15, high = q &>> 4
            if fifthBits {
                let bits = unsignedByteLanes(p + 16 + g)
                low |= (bits &>> Int32(2 * chunk) & 1) &<< 4
                high |= (bits &>> Int32(2 * chunk + 1) & 1) &<< 4
            }
            body(64 * chunk + g, factorLow * floatLanes(low) - offsetLow)
            body(64 * chunk + 32 + g, factorHigh * floatLanes(high) - offsetHigh)
        }
    }
}

enum Q4_KBlock: QuantBlock {
    static var elements: Int { 256 }
    static var bytes: Int { 144 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) { decodeKQuant4Or5(p, fifthBits: false, body) }
}

enum Q5_KBlock: QuantBlock {
    static var elements: Int { 256 }
    static var bytes: Int { 176 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) { decodeKQuant4Or5(p, fifthBits: true, body) }
}

/// Q6_K: 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 Int8 scales, f16 d. In half h (128 elements)
/// element 32s + l (s < 4) takes nibble s / 2 of byte 64h + 32(s % 2) + l, bits 2s, 2s + 1 of byte 128 + 32h + l,
/// and scale 8h + 2s + l / 16; x = (d·scale)·(q − 32).
enum Q6_KBlock: QuantBlock {
    static var elements: Int { 256 }
    static var bytes: Int { 210 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        let d = halfToFloat(p + 208)
        let scales = (p + 192).assumingMemoryBound(to: Int8.self)
        for h in 0..<2 {
            for s in 0..<4 {
                for g in stride(from: 0, to: 32, by: Lanes.scalarCount) {
                    let low = unsignedByteLanes(p + 64 * h + 32 * (s % 2) + g) &>> Int32(4 * (s / 2)) & 15
                    let high = unsignedByteLanes(p + 128 + 32 * h + g) &>> Int32(2 * s) & 3
                    let factor = Lanes(repeating: d * Float(scales[8 * h + 2 * s + g / 16]))
                    body(128 * h + 32 * s + g, factor * floatLanes((low | high &<< 4) &- 32))
                }
            }
        }
    }
}
