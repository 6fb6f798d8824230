// The ggml block decoders, written once and compiled three times like the fused kernels: this file is shared through
// symbolic links by LorafKernelsAVX2 (Lanes = SIMD8<Float>, ymm) and LorafKernelsAVX512 (SIMD16<Float>, zmm); the
// baseline (SSE2) copy is LorafKernels' own. Each module supplies `Lanes`, `LaneInts` and `LaneBytes` (the same
// width as UInt8) in its ISAVector.swift (LorafKernels: Fused/BaselineLanes.swift).
//
// A decoder produces the block's elements one vector at a time with the float operations of ggml's
// dequantize_row_* (ggml-quants.c) and the Python gguf package, in the same order and unfused, so every value is
// bitwise what QuantReference.swift (the scalar twin) and those implementations give.

/// One ggml block format as the SIMD kernels see it.
protocol QuantBlock {
    /// Elements per block (32 or 256: a multiple of Lanes.scalarCount).
    static var elements: Int { get }
    /// Bytes per block.
    static var bytes: Int { get }
    /// Calls `body(offset, values)` once for each of the block's `elements / Lanes.scalarCount` vectors: `values`
    /// are the dequantized elements offset..<offset + Lanes.scalarCount (not in increasing offset order).
    static func decode(_ block: UnsafeRawPointer, _ body: (_ offset: Int, _ values: Lanes) -> Void)
}

/// A 32-element format whose values are w = d·(q − zeroPoint), or w = d·q + m with `hasMin`, for one f16 d (and
/// f16 m right after it) at the start of the block and integer quants q. The dot-product kernels use this form:
/// Σ w·x = d·Σ q·x + (m − zeroPoint·d)·Σ x (QuantScaledLinear.swift).
protocol ScaledQuantBlock: QuantBlock {
    /// True when bytes 2..<4 hold m (Q4_1, Q5_1); false when w = d·(q − zeroPoint) (Q4_0, Q5_0, Q8_0).
    static var hasMin: Bool { get }
    /// 8 (Q4_0), 16 (Q5_0), else 0.
    static var zeroPoint: Float { get }
    /// Like `decode`, with the block's integer quants q (exact floats) instead of its values.
    static func quants(_ block: UnsafeRawPointer, _ body: (_ offset: Int, _ q: Lanes) -> Void)
}

/// Something done with every block type, called with the concrete type so the generic code is specialized per format.
protocol QuantBlockVisitor {
    func visit<Block: QuantBlock>(_ block: Block.Type)
    /// The formats that are also `ScaledQuantBlock`s come here; by default they are visited like the others.
    func visitScaled<Block: ScaledQuantBlock>(_ block: Block.Type)
}

extension QuantBlockVisitor {
    func visitScaled<Block: ScaledQuantBlock>(_ block: Block.Type) { visit(block) }
}

/// Calls `visitor.visit` with the decoder of ggml type `typeID` (a `QuantFormat` raw value); false when `typeID`
/// is not a block-quantized type (F32, F16, BF16 and unknown ids).
@inline(__always)
func visitQuantBlock<Visitor: QuantBlockVisitor>(typeID: Int, _ visitor: Visitor) -> Bool {
    switch typeID {
    case 2: visitor.visitScaled(Q4_0Block.self)
    case 3: visitor.visitScaled(Q4_1Block.self)
    case 6: visitor.visitScaled(Q5_0Block.self)
    case 7: visitor.visitScaled(Q5_1Block.self)
    case 8: visitor.visitScaled(Q8_0Block.self)
    case 12: visitor.visit(Q4_KBlock.self)
    case 13: visitor.visit(Q5_KBlock.self)
    case 14: visitor.visit(Q6_KBlock.self)
    default: return false
    }
    return true
}

// MARK: - Lane helpers (element loops that LLVM turns into vpmovzxbd / vcvtdq2ps; the generic SIMD conversions
// of the standard library are not inlined).

/// Lanes.scalarCount bytes at `p`, zero-extended to 32-bit lanes.
@inline(__always)
func unsignedByteLanes(_ p: UnsafeRawPointer) -> LaneInts {
    let bytes = p.loadUnaligned(as: LaneBytes.self)
    var lanes = LaneInts()
    for i in 0..<Lanes.scalarCount { lanes[i] = Int32(bytes[i]) }
    return lanes
}

/// Lanes.scalarCount bytes at `p` read as Int8, sign-extended to 32-bit lanes.
@inline(__always)
func signedByteLanes(_ p: UnsafeRawPointer) -> LaneInts {
    let bytes = p.loadUnaligned(as: LaneBytes.self)
    var lanes = LaneInts()
    for i in 0..<Lanes.scalarCount { lanes[i] = Int32(Int8(bitPattern: bytes[i])) }
    return lanes
}

/// Exact Int32 → Float lane by lane (the values here are small).
@inline(__always)
func floatLanes(_ v: LaneInts) -> Lanes {
    var lanes = Lanes()
    for i in 0..<Lanes.scalarCount { lanes[i] = Float(v[i]) }
    return lanes
}

/// 0, 1, 2, ... Lanes.scalarCount − 1.
@inline(__always)
func laneIndices() -> LaneInts {
    var lanes = LaneInts()
    for i in 0..<Lanes.scalarCount { lanes[i] = Int32(i) }
    return lanes
}

/// The IEEE binary16 at `p` widened exactly.
@inline(__always)
func halfToFloat(_ p: UnsafeRawPointer) -> Float { Float(Float16(bitPattern: p.loadUnaligned(as: UInt16.self))) }

/// ggml's `get_scale_min_k4`: the 6-bit (scale, min) of sub-block `j` (0..<8) from the 12 bytes at `scales`.
@inline(__always)
func kQuantScaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: Float, min: Float) {
    let s = scales.assumingMemoryBound(to: UInt8.self)
    if j < 4 { return (Float(s[j] & 63), Float(s[j + 4] & 63)) }
    return (Float(s[j + 4] & 15 | (s[j - 4] >> 6) << 4), Float(s[j + 4] >> 4 | (s[j] >> 6) << 4))
}

/// Bits `first`, `first + 1`, ... of `word`, one per lane, as 0 or 16 (the fifth bit of Q5_0/Q5_1 quants).
@inline(__always)
func fifthBitLanes(_ word: UInt32, first: Int) -> LaneInts {
    (LaneInts(repeating: Int32(bitPattern: word)) &>> (laneIndices() &+ Int32(first)) & 1) &<< 4
}

// MARK: - The 32-element formats: 16 bytes of nibbles, element j in the low nibble of byte j, j + 16 in its high one.
// Each also hands out its integer quants q (`ScaledQuantBlock.quants`); `decode` applies d (and m) to them with
// ggml's operations, so its values are the same bits as before the split.

enum Q4_0Block: ScaledQuantBlock {
    static var elements: Int { 32 }
    static var bytes: Int { 18 }
    static var hasMin: Bool { false }
    static var zeroPoint: Float { 8 }
    @inline(__always)
    static func quants(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) { nibbleQuants(p + 2, body) }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        let d = Lanes(repeating: halfToFloat(p))
        quants(p) { o, q in body(o, d * (q - 8)) }
    }
}

enum Q4_1Block: ScaledQuantBlock {
    static var elements: Int { 32 }
    static var bytes: Int { 20 }
    static var hasMin: Bool { true }
    static var zeroPoint: Float { 0 }
    @inline(__always)
    static func quants(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) { nibbleQuants(p + 4, body) }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        let d = Lanes(repeating: halfToFloat(p)), m = Lanes(repeating: halfToFloat(p + 2))
        quants(p) { o, q in body(o, d * q + m) }
    }
}

enum Q5_0Block: ScaledQuantBlock {
    static var elements: Int { 32 }
    static var bytes: Int { 22 }
    static var hasMin: Bool { false }
    static var zeroPoint: Float { 16 }
    @inline(__always)
    static func quants(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        fiveBitQuants(p + 6, high: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self), body)
    }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        let d = Lanes(repeating: halfToFloat(p))
        quants(p) { o, q in body(o, d * (q - 16)) }
    }
}

enum Q5_1Block: ScaledQuantBlock {
    static var elements: Int { 32 }
    static var bytes: Int { 24 }
    static var hasMin: Bool { true }
    static var zeroPoint: Float { 0 }
    @inline(__always)
    static func quants(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        fiveBitQuants(p + 8, high: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self), body)
    }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        let d = Lanes(repeating: halfToFloat(p)), m = Lanes(repeating: halfToFloat(p + 2))
        quants(p) { o, q in body(o, d * q + m) }
    }
}

enum Q8_0Block: ScaledQuantBlock {
    static var elements: Int { 32 }
    static var bytes: Int { 34 }
    static var hasMin: Bool { false }
    static var zeroPoint: Float { 0 }
    @inline(__always)
    static func quants(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        for g in stride(from: 0, to: 32, by: Lanes.scalarCount) { body(g, floatLanes(signedByteLanes(p + 2 + g))) }
    }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
        let d = Lanes(repeating: halfToFloat(p))
        quants(p) { o, q in body(o, q * d) }
    }
}

/// The 32 nibbles of the 16 bytes at `p` (element j low nibble of byte j, j + 16 its high one) as exact floats.
@inline(__always)
private func nibbleQuants(_ p: UnsafeRawPointer, _ body: (Int, Lanes) -> Void) {
    for g in stride(from: 0, to: 16, by: Lanes.scalarCount) {
        let (low, high) = nibbleFloats(unsignedByteLanes(p + g))
        body(g, low)
        body(16 + g, high)
    }
}

/// The low and high nibbles of each lane (a byte value) as exact floats, by masking, shifting and converting: the
/// `nibbleFloats` of the ISAs without a lane permute (AVX-512 looks them up with vpermps, ISAVector.swift).
@inline(__always)
func convertedNibbles(_ bytes: LaneInts) -> (low: Lanes, high: Lanes) { (floatLanes(bytes & 15), floatLanes(bytes &>> 4)) }

/// The 32 five-bit quants of Q5_0/Q5_1: nibbles at `p`, fifth bit j of `high` for element j (0 ... 31, exact floats).
@inline(__always)
private func fiveBitQuants(_ p: UnsafeRawPointer, high: UInt32, _ body: (Int, Lanes) -> Void) {
    for g in stride(from: 0, to: 16, by: Lanes.scalarCount) {
        let q = unsignedByteLanes(p + g)
        body(g, floatLanes(q & 15 | fifthBitLanes(high, first: g)))
        body(16 + g, floatLanes(q &>> 4 | fifthBitLanes(high, first: 16 + g)))
    }
}
