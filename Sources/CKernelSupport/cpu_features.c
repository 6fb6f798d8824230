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
