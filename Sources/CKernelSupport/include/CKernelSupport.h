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
