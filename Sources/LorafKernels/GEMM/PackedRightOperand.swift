/// Where `Kernels.sgemm` puts a packed op(B) [k × n]: column blocks of at most `nc` columns one after another (the
/// block starting at column jc from float jc·k), each as depth blocks of `kc` steps of nr-column panels.
struct PackedOperandLayout: Equatable {
    let nr: Int
    let kc: Int
    let k: Int
    let n: Int
    /// Columns per block: as wide as keeps a packed block (k × nc floats) at most 16 MiB; a multiple of nr unless
    /// it is all of n.
    let nc: Int

    init(kernel: GEMMKernel, k: Int, n: Int) {
        nr = kernel.nr
        kc = kernel.kc
        self.k = k
        self.n = n
        nc = min(n, max(kernel.nr, (1 << 22) / k / kernel.nr * kernel.nr))
    }

    /// (first column, column count) of each block.
    var columnBlocks: [(jc: Int, columns: Int)] {
        stride(from: 0, to: n, by: nc).map { ($0, min(nc, n - $0)) }
    }

    /// Floats of a packed block of `columns` columns (its last panel padded to nr).
    func floats(columns: Int) -> Int { (columns + nr - 1) / nr * nr * k }
}

extension Kernels {
    /// The right-hand operand op(B) [k × n] of an SGEMM, packed once for the kernel of the ISA in use when it was
    /// made, so that a matrix multiplied again and again (a frozen weight, step after step) skips
    /// `sgemm`'s per-call packing. It is a copy: later writes to B are not seen. Memory: about k·n floats
    /// (`byteCount`).
    public final class PackedRightOperand: @unchecked Sendable {
        let layout: PackedOperandLayout
        private let isa: ISA
        private let storage: UnsafeMutablePointer<Float>
        private let floatCount: Int

        /// Packs op(B): B stored [k × n] (ldb ≥ n), or [n × k] (ldb ≥ k) when `transB`, as `sgemm` reads it.
        /// Requires k ≥ 1 and n ≥ 1.
        public init(transB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int) {
            precondition(k >= 1 && n >= 1, "a packed operand needs k ≥ 1 and n ≥ 1 (got k = \(k), n = \(n))")
            let isa = CPU.isa, layout = PackedOperandLayout(kernel: .forISA(CPU.isa), k: k, n: n)
            let floatCount = layout.columnBlocks.reduce(0) { $0 + layout.floats(columns: $1.columns) }
            let raw = UnsafeMutableRawPointer.allocate(byteCount: floatCount * MemoryLayout<Float>.stride, alignment: 64)
            let storage = raw.bindMemory(to: Float.self, capacity: floatCount)
            (self.isa, self.layout, self.floatCount, self.storage) = (isa, layout, floatCount, storage)
            for (jc, columns) in layout.columnBlocks {
                Kernels.packColumnBlock(layout, transB: transB, b: b, ldb: ldb, jc: jc, columns: columns,
                                        into: storage + jc * k, parallel: k * n >= 1 << 14)
            }
        }

        deinit { storage.deallocate() }

        /// op(B)'s extents.
        public var k: Int { layout.k }
        public var n: Int { layout.n }
        /// Bytes held.
        public var byteCount: Int { floatCount * MemoryLayout<Float>.stride }
        /// Whether it was packed for the ISA the kernels use now (`CPU.isa` can change, e.g. in tests); only then
        /// can `sgemm(transA:m:alpha:a:lda:packedB:beta:c:ldc:)` read it.
        public var isCurrent: Bool { isa == CPU.isa }

        /// The packed block that starts at column `jc`.
        func block(at jc: Int) -> UnsafePointer<Float> { UnsafePointer(storage + jc * layout.k) }
    }

    /// C[m×n] = alpha · op(A) · op(B) + beta · C with op(B) packed beforehand (`packedB`, k × n); otherwise as
    /// `sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`, with the same results bit for bit.
    /// Requires `packedB.isCurrent` (a precondition: pack again after changing `CPU.isa`).
    public static func sgemm(transA: Bool, m: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             packedB: PackedRightOperand, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(packedB.isCurrent, "the packed operand was made for another ISA than CPU.isa")
        let (k, n) = (packedB.k, packedB.n)
        guard m > 0 else { return }
        guard alpha != 0 else {
            scale(c, rows: m, cols: n, ldc: ldc, by: beta)
            return
        }
        let kernel = GEMMKernel.current
        let parallel = m * n * k >= 1 << 18
        for (jc, columns) in packedB.layout.columnBlocks {
            multiplyColumnBlock(kernel, transA: transA, m: m, k: k, alpha: alpha, a: a, lda: lda, packedB: packedB.block(at: jc),
                                columns: columns, beta: beta, c: c + jc, ldc: ldc, parallel: parallel)
        }
    }
}
