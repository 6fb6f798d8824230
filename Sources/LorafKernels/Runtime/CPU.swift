import CKernelSupport
#if canImport(Glibc)
import Glibc
#endif

/// A vector instruction set the kernels have a code path for, narrowest first.
public enum ISA: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    /// The architecture's baseline: SSE2 (4-float xmm vectors, no FMA) on x86-64.
    case baseline = 0
    /// AVX2 + FMA3 (and F16C): 8-float ymm vectors.
    case avx2 = 1
    /// AVX-512F + VL: 16-float zmm vectors.
    case avx512 = 2

    /// The spelling used by `LORAF_ISA`: "baseline", "avx2" or "avx512"; nil for anything else.
    public init?(name: String) {
        guard let isa = ISA.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = isa
    }

    public var description: String {
        switch self {
        case .baseline: return "baseline"
        case .avx2: return "avx2"
        case .avx512: return "avx512"
        }
    }

    public static func < (lhs: ISA, rhs: ISA) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The instruction set the kernels run with.
public enum CPU {
    /// The widest ISA the running CPU and OS support (`loraf_detect_isa()`), detected once.
    public static let detectedISA: ISA = ISA(rawValue: Int(loraf_detect_isa().rawValue)) ?? .baseline

    /// The ISA the kernels use now. Starts as `LORAF_ISA` (baseline|avx2|avx512) when that variable is set
    /// and valid, else `detectedISA`. Setting a wider ISA than `detectedISA` is clamped to `detectedISA`,
    /// so forcing a path can never execute unsupported instructions. Not meant to change while kernels run.
    public static var isa: ISA {
        get { selected }
        set { selected = min(newValue, detectedISA) }
    }

    /// Whether the running CPU has AVX-512 VNNI (and BW) with usable AVX-512 (`loraf_detect_vnni()`), detected once.
    public static let detectedVNNI: Bool = loraf_detect_vnni() != 0

    /// Whether the int8-activation kernels (vpdpbusd) may run: `detectedVNNI` while `isa` is avx512, so
    /// `LORAF_ISA=avx2` (or setting `isa` below avx512) turns them off. Always false off x86-64.
    public static var hasVNNI: Bool {
        #if canImport(LorafKernelsVNNI)
        return detectedVNNI && isa == .avx512
        #else
        return false
        #endif
    }

    /// Whether the running CPU has AVX512_BF16 with usable AVX-512 (`loraf_detect_bf16()`), detected once.
    public static let detectedBF16: Bool = loraf_detect_bf16() != 0

    /// Whether the bf16 GEMM (vdpbf16ps) may run: `detectedBF16` while `isa` is avx512, so `LORAF_ISA=avx2` (or
    /// setting `isa` below avx512) turns it off. Always false off x86-64.
    public static var hasBF16: Bool {
        #if canImport(LorafKernelsBF16)
        return detectedBF16 && isa == .avx512
        #else
        return false
        #endif
    }

    nonisolated(unsafe) private static var selected: ISA = initialISA()

    private static func initialISA() -> ISA {
        guard let raw = getenv("LORAF_ISA") else { return detectedISA }
        let name = String(cString: raw)
        guard let requested = ISA(name: name) else {
            fputs("loraf: ignoring LORAF_ISA=\(name): expected baseline, avx2 or avx512\n", stderr)
            return detectedISA
        }
        return min(requested, detectedISA)
    }
}
