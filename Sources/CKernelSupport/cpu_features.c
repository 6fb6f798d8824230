#include "CKernelSupport.h"
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

loraf_isa loraf_detect_isa(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return LORAF_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return LORAF_ISA_AVX2;
#endif
    return LORAF_ISA_BASELINE;
}

int loraf_detect_vnni(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // The OS must save the zmm state: loraf_detect_isa checks that (through __builtin_cpu_supports) for AVX-512F/VL.
    if (loraf_detect_isa() != LORAF_ISA_AVX512) return 0;
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int avx512bw = 1u << 30; // CPUID.(EAX=7,ECX=0):EBX bit 30
    const unsigned int avx512vnni = 1u << 11; // CPUID.(EAX=7,ECX=0):ECX bit 11
    return (ebx & avx512bw) && (ecx & avx512vnni);
#else
    return 0;
#endif
}

int loraf_detect_bf16(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (loraf_detect_isa() != LORAF_ISA_AVX512) return 0;
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || eax < 1) return 0; // EAX: the highest sub-leaf of leaf 7
    if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int avx512bf16 = 1u << 5; // CPUID.(EAX=7,ECX=1):EAX bit 5
    return (eax & avx512bf16) != 0;
#else
    return 0;
#endif
}

int loraf_cache_level(int level, unsigned int *bytes, unsigned int *ways) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // Leaf 4 (Intel) and leaf 0x8000001D (AMD, with TopologyExtensions) share one format per sub-leaf:
    // EAX[4:0] type (0 = no more caches, 1 data, 2 instruction, 3 unified), EAX[7:5] level; EBX[31:22] ways − 1,
    // EBX[21:12] partitions − 1, EBX[11:0] line size − 1; ECX sets − 1.
    const unsigned int leaves[2] = {4, 0x8000001Du};
    for (int l = 0; l < 2; l++) {
        unsigned int eax, ebx, ecx, edx;
        if (__get_cpuid_max(leaves[l] & 0x80000000u, 0) < leaves[l]) continue;
        for (unsigned int sub = 0; sub < 16; sub++) {
            __cpuid_count(leaves[l], sub, eax, ebx, ecx, edx);
            const unsigned int type = eax & 0x1f;
            if (type == 0) break;
            if (type == 2 || (int)((eax >> 5) & 0x7) != level) continue;
            const unsigned int w = ((ebx >> 22) & 0x3ff) + 1;
            *bytes = w * (((ebx >> 12) & 0x3ff) + 1) * ((ebx & 0xfff) + 1) * (ecx + 1);
            *ways = w;
            return 1;
        }
    }
#endif
    (void)level; (void)bytes; (void)ways;
    return 0;
}
