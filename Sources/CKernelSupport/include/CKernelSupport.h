#ifndef LORAF_CKERNELSUPPORT_H
#define LORAF_CKERNELSUPPORT_H

/// Vector instruction sets the kernels can use, as detected on the running CPU (and enabled by the OS).
typedef enum {
    LORAF_ISA_BASELINE = 0, ///< the architecture's baseline (SSE2 on x86-64, NEON on arm64)
    LORAF_ISA_AVX2 = 1,     ///< AVX2 + FMA3 (ymm registers)
    LORAF_ISA_AVX512 = 2    ///< AVX-512F + VL (zmm registers)
} loraf_isa;

/// The widest instruction set that both the CPU and the operating system support.
loraf_isa loraf_detect_isa(void);

/// 1 when the CPU has AVX-512 VNNI and BW (CPUID leaf 7, sub-leaf 0: ECX bit 11, EBX bit 30) on top of the AVX-512
/// that loraf_detect_isa() found usable (OS state included), else 0.
int loraf_detect_vnni(void);

/// 1 when the CPU has AVX512_BF16 (CPUID leaf 7, sub-leaf 1: EAX bit 5) on top of the AVX-512 that
/// loraf_detect_isa() found usable (OS state included), else 0.
int loraf_detect_bf16(void);

/// The data (or unified) cache of `level` (1, 2, 3) as CPUID describes it (leaf 4 on Intel, leaf 0x8000001D on AMD):
/// writes its size in bytes and its associativity, returns 1; returns 0 (writing nothing) when CPUID has no such
/// cache or no such leaf (and always off x86-64).
int loraf_cache_level(int level, unsigned int *bytes, unsigned int *ways);

#if defined(__x86_64__)

/// Sixteen floats (one zmm register); imports into Swift as SIMD16<Float>.
typedef float loraf_f32x16 __attribute__((__vector_size__(64)));
/// Sixteen 32-bit lanes, each a pair of bfloat16 (element 2i in the low half, 2i + 1 in the high half); imports
/// into Swift as SIMD16<Int32>.
typedef int loraf_i32x16 __attribute__((__vector_size__(64)));

/// acc[i] + a[2i]·b[2i] + a[2i+1]·b[2i+1] for the 16 lanes, a and b read as 32 bfloat16 each: the single
/// instruction vdpbf16ps zmm. Swift has no bfloat16 type, so it cannot name LLVM's intrinsic (its argument type is
/// a vector of bfloat); this wrapper is inlined into the Swift kernels of LorafKernelsBF16 (compiled with
/// -mavx512bf16) as that one instruction. Only call it where loraf_detect_bf16() is 1.
__attribute__((target("avx512f,avx512bf16"), always_inline))
static inline loraf_f32x16 loraf_dpbf16(loraf_f32x16 acc, loraf_i32x16 a, loraf_i32x16 b) {
    typedef __bf16 bf16x32 __attribute__((__vector_size__(64)));
    return (loraf_f32x16)__builtin_ia32_dpbf16ps_512(acc, (bf16x32)a, (bf16x32)b);
}
#endif

/// Tells the CPU that the thread is spinning on a value another thread will write (x86-64: pause), which saves
/// power and the pipeline flush when the wait ends; nothing elsewhere.
static inline void loraf_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

/// Rows of a weight matrix ahead of the current four-row tile that the matrix-vector kernels prefetch (measured on
/// the Zen 4 VM: the 49152 x 576 Q8_0 output layer went from 7 to 21 GB/s at one thread).
#define LORAF_PREFETCH_ROWS 16

/// Asks the CPU to bring the `bytes` bytes at `p` into every cache level ahead of their use (one prefetcht0 per
/// 64-byte line on x86-64); a hint that never faults. Inlined into the Swift kernels that stream quantized weights
/// from memory, where the hardware prefetcher alone leaves most of the memory bandwidth unused.
static inline void loraf_prefetch(const void *p, long bytes) {
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch((const char *)p + offset, 0, 3);
}

#endif
