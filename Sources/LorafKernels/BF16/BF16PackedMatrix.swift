/// bfloat16 numbers as the bf16 GEMM uses them: the scalar rounding (twin of LorafKernelsBF16's vector one) and
/// the exact widening back to Float32.
public enum BF16 {
    /// `x` rounded to bfloat16 (its bit pattern): to nearest, ties to even, on the bits (PyTorch's
    /// `round_to_nearest_even`, ggml's `ggml_compute_fp32_to_bf16`): (bits + 0x7FFF + bit 16) >> 16. NaN gives the
    /// quiet NaN 0x7FC0; magnitudes past the largest bf16 give ±infinity; subnormals round like other values.
    @inline(__always)
    public static func round(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 { return 0x7FC0 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// The Float32 whose upper 16 bits are `bits` (exact).
    @inline(__always)
    public static func widen(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}

/// A matrix B [depth × columns] rounded to bfloat16 once and kept in the panels the bf16 GEMM reads
/// (``Kernels/bf16gemm(m:a:lda:b:c:ldc:accumulate:)``): a frozen weight packed at its first bf16 use.
///
/// Layout: ⌈columns/32⌉ panels of 32 columns, each [⌈depth/2⌉][32] 32-bit words; word (q, j) holds B[2q, j] in
/// its low half and B[2q+1, j] in its high half (vdpbf16ps multiplies such pairs lane by lane). An odd depth's
/// last high half and the columns past `columns` in the last panel are zero. Memory: 2 bytes per element plus
/// that padding (``byteCount``).
public final class BF16PackedMatrix: @unchecked Sendable {
    /// Columns per panel (the bf16 micro-kernel's tile width).
    static let panelWidth = 32
    /// Rows of B (the product's depth k) and its columns (n).
    public let depth: Int
    public let columns: Int
    /// ⌈depth/2⌉ and ⌈columns/32⌉.
    let pairs: Int
    let panels: Int
    let words: UnsafeMutablePointer<UInt32>

    /// Rounds and packs B[p, j] = `source[p·depthStride + j·columnStride]` for p < depth, j < columns (W [out, in]
    /// row-major is B = Wᵀ with depthStride 1, columnStride in; B = W with depthStride in, columnStride 1).
    /// Panels are packed in parallel over `Parallel.threadCount` threads.
    /// - Precondition: depth, columns ≥ 0 (the callers pass a tensor's extents).
    public init(packing source: UnsafePointer<Float>, depth: Int, columns: Int, depthStride: Int, columnStride: Int) {
        self.depth = depth
        self.columns = columns
        pairs = (depth + 1) / 2
        panels = (columns + Self.panelWidth - 1) / Self.panelWidth
        let count = Swift.max(pairs * panels * Self.panelWidth, 1)
        words = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: UInt32.self, capacity: count)
        words.initialize(repeating: 0, count: count)
        let (pairs, width, depth) = (pairs, Self.panelWidth, depth)
        let words = words
        Kernels.run(chunks: panels, parallel: depth * columns >= 1 << 16) { panel in
            let base = words + panel * pairs * width
            for lane in 0..<Swift.min(width, columns - panel * width) {
                let column = source + (panel * width + lane) * columnStride
                for q in 0..<pairs {
                    let low = UInt32(BF16.round(column[2 * q * depthStride]))
                    let high = 2 * q + 1 < depth ? UInt32(BF16.round(column[(2 * q + 1) * depthStride])) : 0
                    base[q * width + lane] = low | high << 16
                }
            }
        }
    }

    deinit { words.deallocate() }

    /// Bytes held by the panels.
    public var byteCount: Int { pairs * panels * Self.panelWidth * 4 }

    /// B[p, j] as the kernel multiplies it (the bf16 value, widened exactly).
    public func element(_ p: Int, _ j: Int) -> Float {
        let word = words[(j / Self.panelWidth * pairs + p / 2) * Self.panelWidth + j % Self.panelWidth]
        return BF16.widen(UInt16(truncatingIfNeeded: p % 2 == 0 ? word : word >> 16))
    }
}
