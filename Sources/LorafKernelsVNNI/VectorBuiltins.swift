// LorafKernelsVNNI is compiled with -parse-stdlib so that it can call LLVM's x86 intrinsics through `Builtin`
// (the standard library's SIMD types have no VNNI operation). This file wraps the few it needs in two 512-bit
// value types; everything else in the module is ordinary Swift on top of them.
import Swift

/// Sixteen Int32 lanes (one zmm register); also read as 64 bytes by `dotBytes`.
struct Int32x16 {
    var value: Builtin.Vec16xInt32

    init(_ value: Builtin.Vec16xInt32) { self.value = value }
    init(_ lanes: SIMD16<Int32>) { value = unsafeBitCast(lanes, to: Int32x16.self).value }
    init(repeating word: UInt32) { self.init(SIMD16<Int32>(repeating: Int32(bitPattern: word))) }

    /// The 64 bytes at `p` (no alignment needed).
    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> Int32x16 { Int32x16(p.loadUnaligned(as: SIMD16<Int32>.self)) }

    /// The 16 bytes at each of `p0` ... `p3`, in that order (one 128-bit load each).
    @inline(__always)
    static func load(_ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer, _ p2: UnsafeRawPointer,
                     _ p3: UnsafeRawPointer) -> Int32x16 {
        let low = SIMD8(lowHalf: p0.loadUnaligned(as: SIMD4<Int32>.self), highHalf: p1.loadUnaligned(as: SIMD4<Int32>.self))
        let high = SIMD8(lowHalf: p2.loadUnaligned(as: SIMD4<Int32>.self), highHalf: p3.loadUnaligned(as: SIMD4<Int32>.self))
        return Int32x16(SIMD16(lowHalf: low, highHalf: high))
    }

    @inline(__always) static func & (a: Int32x16, b: Int32x16) -> Int32x16 { Int32x16(Builtin.and_Vec16xInt32(a.value, b.value)) }
    @inline(__always) static func ^ (a: Int32x16, b: Int32x16) -> Int32x16 { Int32x16(Builtin.xor_Vec16xInt32(a.value, b.value)) }
    @inline(__always) static func &- (a: Int32x16, b: Int32x16) -> Int32x16 { Int32x16(Builtin.sub_Vec16xInt32(a.value, b.value)) }
    @inline(__always) static func &+ (a: Int32x16, b: Int32x16) -> Int32x16 { Int32x16(Builtin.add_Vec16xInt32(a.value, b.value)) }
    /// Logical right shift of every 32-bit lane by `count` (< 32).
    @inline(__always) static func &>> (a: Int32x16, count: Int32) -> Int32x16 {
        Int32x16(Builtin.lshr_Vec16xInt32(a.value, Int32x16(SIMD16<Int32>(repeating: count)).value))
    }
    @inline(__always) static func &<< (a: Int32x16, count: Int32) -> Int32x16 {
        Int32x16(Builtin.shl_Vec16xInt32(a.value, Int32x16(SIMD16<Int32>(repeating: count)).value))
    }

    /// self + Σ_{j<4} unsigned[4l + j] · signed[4l + j] in lane l, the bytes of `unsigned` read as UInt8 and those
    /// of `signed` as Int8 (one vpdpbusd zmm; the sums of four products cannot overflow 32 bits).
    @inline(__always)
    func dotBytes(_ unsigned: Int32x16, _ signed: Int32x16) -> Int32x16 {
        Int32x16(Builtin.int_x86_avx512_vpdpbusd_512(value, unsigned.value, signed.value))
    }

    /// The sum of the 16 lanes, wrapping on overflow (a vpaddd/vpshufd ladder).
    @inline(__always) var wrappingSum: Int32 { Int32(Builtin.int_vector_reduce_add_Vec16xInt32(value)) }

    /// The largest lane of `self` and `other`, both read as UInt32 (vpmaxud ladder).
    @inline(__always)
    func largestUnsigned(with other: Int32x16) -> UInt32 {
        UInt32(Builtin.int_vector_reduce_umax_Vec16xInt32(Builtin.int_umax_Vec16xInt32(value, other.value)))
    }

    /// The lanes as floats (exact below 2^24; vcvtdq2ps).
    @inline(__always) var floats: Float32x16 { Float32x16(Builtin.sitofp_Vec16xInt32_Vec16xFPIEEE32(value)) }

    var lanes: SIMD16<Int32> { unsafeBitCast(self, to: SIMD16<Int32>.self) }
}

/// Sixteen Float lanes (one zmm register).
struct Float32x16 {
    var value: Builtin.Vec16xFPIEEE32

    init(_ value: Builtin.Vec16xFPIEEE32) { self.value = value }
    init(_ lanes: SIMD16<Float>) { value = unsafeBitCast(lanes, to: Float32x16.self).value }

    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> Float32x16 { Float32x16(p.loadUnaligned(as: SIMD16<Float>.self)) }

    @inline(__always) static func * (a: Float32x16, b: Float32x16) -> Float32x16 {
        Float32x16(Builtin.fmul_Vec16xFPIEEE32(a.value, b.value))
    }

    /// a · b + self, one rounding (vfmadd zmm).
    @inline(__always)
    func addingProduct(_ a: Float32x16, _ b: Float32x16) -> Float32x16 {
        Float32x16(Builtin.int_fma_Vec16xFPIEEE32(a.value, b.value, value))
    }

    /// Lane i is lane `indices[i]` of `self` (vpermps; constant indices become cheaper shuffles).
    @inline(__always)
    func permuted(_ indices: SIMD16<Int32>) -> Float32x16 {
        Float32x16(Builtin.int_x86_avx512_permvar_sf_512(value, Int32x16(indices).value))
    }

    /// The bit patterns of |lane| (sign bit cleared): for finite lanes they order as the magnitudes do, and a lane
    /// is NaN or ±∞ exactly when its pattern is at least 0x7F80_0000.
    @inline(__always)
    var magnitudeBits: Int32x16 {
        Int32x16(Builtin.bitcast_Vec16xFPIEEE32_Vec16xInt32(value)) & Int32x16(repeating: 0x7FFF_FFFF)
    }

    /// Each lane rounded to the nearest integer, ties to even, as Int32 (vcvtps2dq). The lanes must be finite and
    /// within Int32's range (LLVM leaves other values undefined).
    @inline(__always)
    var roundedToInt32: Int32x16 {
        Int32x16(Builtin.fptosi_Vec16xFPIEEE32_Vec16xInt32(Builtin.int_rint_Vec16xFPIEEE32(value)))
    }

    /// The eight IEEE binary16 values packed in `words` (two per word, low half first), widened exactly, in lanes
    /// 0..<8 (lanes 8..<16 repeat them; vcvtph2ps).
    @inline(__always)
    static func halves(_ words: SIMD4<UInt32>) -> Float32x16 {
        let eight = unsafeBitCast(Floats8(Builtin.fpext_Vec8xFPIEEE16_Vec8xFPIEEE32(unsafeBitCast(words, to: Halves8.self).value)),
                                  to: SIMD8<Float>.self)
        return Float32x16(SIMD16(lowHalf: eight, highHalf: eight))
    }

    var lanes: SIMD16<Float> { unsafeBitCast(self, to: SIMD16<Float>.self) }

    /// The sum of the 16 lanes, by halving (inlined; the standard library's `sum()` is a call).
    @inline(__always)
    var sum: Float {
        let eight = lanes.lowHalf + lanes.highHalf, four = eight.lowHalf + eight.highHalf, two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }
}

/// Sixteen Int32 lanes narrowed to their low bytes (vpmovdb).
@inline(__always)
func narrowedToBytes(_ v: Int32x16) -> SIMD16<Int8> { unsafeBitCast(Bytes16(Builtin.trunc_Vec16xInt32_Vec16xInt8(v.value)), to: SIMD16<Int8>.self) }

private struct Floats8 { var value: Builtin.Vec8xFPIEEE32; init(_ value: Builtin.Vec8xFPIEEE32) { self.value = value } }
private struct Halves8 { var value: Builtin.Vec8xFPIEEE16 }
private struct Bytes16 { var value: Builtin.Vec16xInt8; init(_ value: Builtin.Vec16xInt8) { self.value = value } }

