/// Where `Kernels.sgemm` puts a packed op(B) [k × n]: column blocks of at most `nc` columns one after another (the
/// block starting at column jc from float jc·k), each as depth blocks of `kc` steps (the last one shallower when kc
/// does not divide k) of nr-column panels.
struct PackedOperandLayout: Equatable {
    let nr: Int
    let kc: Int
    let k: Int
    let n: Int
    /// Columns per block: as wide as keeps a packed block (k × nc floats) at most 16 MiB; a multiple of nr unless
    /// it is all of n.
    let nc: Int

    /// The layout `sgemm` uses for op(B) [k × n] with `kernel`: depth blocks of `kernel.blocking.depthBlock(k: k)`.
    init(kernel: GEMMKernel, k: Int, n: Int) {
        self.init(kernel: kernel, k: k, n: n, kc: kernel.blocking.depthBlock(k: k))
    }

    /// A layout with depth blocks of `kc` (≥ 1): for a depth slice of a deeper product (rows of B taken panel by
    /// panel) whose sums must run as in one `sgemm` over the whole depth, give that product's depth block.
    init(kernel: GEMMKernel, k: Int, n: Int, kc: Int) {
        nr = kernel.nr
        self.kc = kc
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
        public convenience init(transB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int) {
            self.init(kernel: .current, transB: transB, k: k, n: n, b: b, ldb: ldb)
        }

        /// Packs op(B) for `kernel` (tests pass kernels blocked for other caches; `kernel` must be for `CPU.isa`).
        init(kernel: GEMMKernel, transB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int) {
            precondition(k >= 1 && n >= 1, "a packed operand needs k ≥ 1 and n ≥ 1 (got k = \(k), n = \(n))")
            let isa = CPU.isa, layout = PackedOperandLayout(kernel: kernel, k: k, n: n)
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
        sgemm(kernel: .current, transA: transA, m: m, alpha: alpha, a: a, lda: lda, packedB: packedB, beta: beta, c: c, ldc: ldc)
    }

    /// The packed-B `sgemm` with `kernel`'s chunking (the depth blocks are the packed operand's).
    static func sgemm(kernel: GEMMKernel, transA: Bool, m: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                      packedB: PackedRightOperand, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(packedB.isCurrent, "the packed operand was made for another ISA than CPU.isa")
        let (k, n) = (packedB.k, packedB.n)
        guard m > 0 else { return }
        guard alpha != 0 else {
            scale(c, rows: m, cols: n, ldc: ldc, by: beta)
            return
        }
        let parallel = m * n * k >= 1 << 18
        for (jc, columns) in packedB.layout.columnBlocks {
            multiplyColumnBlock(kernel, packedB.layout, transA: transA, m: m, alpha: alpha, a: a, lda: lda, packedB: packedB.block(at: jc),
                                columns: columns, beta: beta, c: c + jc, ldc: ldc, parallel: parallel)
        }
    }
}
