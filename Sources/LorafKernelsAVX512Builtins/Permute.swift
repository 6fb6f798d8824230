// LorafKernelsAVX512Builtins is compiled with -parse-stdlib so that it can call LLVM's x86 intrinsics through
// `Builtin` (the standard library's SIMD types have no lane permute with run-time indices). Its functions are
// inlinable: they are meant to be inlined into LorafKernelsAVX512, which is compiled for AVX-512F.
import Swift

/// Lane i is lane `indices[i] & 15` of `table` (one vpermps zmm: only the low four bits of each index count).
@inlinable @inline(__always)
public func permuteLanes(_ table: SIMD16<Float>, _ indices: SIMD16<Int32>) -> SIMD16<Float> {
    let lanes = Builtin.int_x86_avx512_permvar_sf_512(unsafeBitCast(table, to: FloatVector.self).value,
                                                      unsafeBitCast(indices, to: IntVector.self).value)
    return unsafeBitCast(FloatVector(lanes), to: SIMD16<Float>.self)
}

/// Each lane shifted right by 4 bits, zeros shifted in (one vpsrld zmm; as an intrinsic, LLVM keeps it on the
/// 32-bit lanes instead of moving the shift before a byte widening, which would cost a mask and a second widening).
@inlinable @inline(__always)
public func shiftRight4(_ lanes: SIMD16<Int32>) -> SIMD16<Int32> {
    let shifted = Builtin.int_x86_avx512_psrli_d_512(unsafeBitCast(lanes, to: IntVector.self).value, Int32(4)._value)
    return unsafeBitCast(IntVector(shifted), to: SIMD16<Int32>.self)
}

/// Sixteen Float lanes as LLVM's vector type (the layout of SIMD16<Float>).
@usableFromInline
struct FloatVector {
    @usableFromInline var value: Builtin.Vec16xFPIEEE32
    @inlinable init(_ value: Builtin.Vec16xFPIEEE32) { self.value = value }
}

/// Sixteen Int32 lanes as LLVM's vector type (the layout of SIMD16<Int32>).
@usableFromInline
struct IntVector {
    @usableFromInline var value: Builtin.Vec16xInt32
    @inlinable init(_ value: Builtin.Vec16xInt32) { self.value = value }
}
