import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels

/// `GEMMBlocking`: the parameters derived for known caches, the chunk plans, and SGEMM run with kernels blocked for
/// other machines (odd shapes across every block edge), against the reference and bit for bit among themselves.
final class GEMMBlockingTests: XCTestCase {
    static let zen4 = CacheInfo(l1d: .init(size: 32 << 10, ways: 8), l2: .init(size: 1 << 20, ways: 8),
                                l3: .init(size: 32 << 20, ways: 16))
    static let xeon = CacheInfo(l1d: .init(size: 48 << 10, ways: 12), l2: .init(size: 2 << 20, ways: 16),
                                l3: .init(size: 105 << 20, ways: 15))
    /// A tiny hierarchy, so that small products cross many depth blocks and chunk edges.
    static let tiny = CacheInfo(l1d: .init(size: 4 << 10, ways: 4), l2: .init(size: 24 << 10, ways: 4),
                                l3: .init(size: 1 << 20, ways: 16))
    /// L1 as big as kc = k for every test shape, so that a small op(A)ᵀ is read in place.
    static let wide = CacheInfo(l1d: .init(size: 256 << 10, ways: 64), l2: .init(size: 4 << 20, ways: 16),
                                l3: .init(size: 32 << 20, ways: 16))

    /// kcMax from Low et al.'s L1 model (ways for A = ⌊(W − 1)·mr / (mr + nr)⌋, 4 KiB ways), per tile width.
    func testDepthBlocksFollowTheL1Model() {
        // (nr, Zen 4, Xeon): AVX-512 6×32, AVX2 6×16, baseline 6×8.
        for (nr, zen4, xeon) in [(32, 168, 168), (16, 168, 512), (8, 512, 680)] {
            let onZen4 = GEMMBlocking(mr: 6, nr: nr, cache: Self.zen4), onXeon = GEMMBlocking(mr: 6, nr: nr, cache: Self.xeon)
            XCTAssertEqual(onZen4.kcMax, zen4, "nr \(nr)")
            XCTAssertEqual(onXeon.kcMax, xeon, "nr \(nr)")
            for (blocking, cache) in [(onZen4, Self.zen4), (onXeon, Self.xeon)] {
                // The A and B micro-panels leave at least one L1 way free.
                let wayBytes = cache.l1d.size / cache.l1d.ways
                XCTAssertLessThanOrEqual((6 + nr) * blocking.kcMax * 4, (cache.l1d.ways - 1) * wayBytes, "nr \(nr)")
            }
        }
        let blocking = GEMMBlocking(mr: 6, nr: 32, cache: Self.zen4)
        XCTAssertEqual([1, 168, 169, 384, 1536].map { blocking.depthBlock(k: $0) }, [1, 168, 85, 128, 154])
    }

    func testChunkLimitsShareL2() {
        let zen4 = GEMMBlocking(mr: 6, nr: 32, cache: Self.zen4).chunkLimits(kc: 168)
        XCTAssertEqual(zen4.rows, 390)
        XCTAssertEqual(zen4.columns, 384)
        XCTAssertEqual(zen4.area, 131_072)
        let xeon = GEMMBlocking(mr: 6, nr: 32, cache: Self.xeon).chunkLimits(kc: 168)
        XCTAssertEqual(xeon.rows, 780)
        XCTAssertEqual(xeon.columns, 768)
    }

    /// Every plan covers the rows and panels exactly, respects the L2 limits when it need not split, and makes at
    /// least half the chunks asked for whenever there are enough tiles.
    func testPlansCoverTheProductAndMakeEnoughChunks() {
        for cache in [Self.zen4, Self.xeon, Self.tiny] {
            let blocking = GEMMBlocking(mr: 6, nr: 32, cache: cache)
            let cases = [1, 5, 6, 97, 512, 2048].flatMap { m in [1, 2, 12, 48].flatMap { panels in [1, 8].map { (m, panels, $0) } } }
            for (m, panels, wanted) in cases {
                let kc = blocking.depthBlock(k: 384)
                let plan = blocking.plan(m: m, panels: panels, kc: kc, wantedChunks: wanted)
                let label = "\(cache) m \(m) panels \(panels) wanted \(wanted)"
                XCTAssertEqual(plan.rows % 6, 0, label)
                XCTAssertTrue(plan.rows * (plan.rowBlocks - 1) < m && m <= plan.rows * plan.rowBlocks, label)
                XCTAssertTrue(plan.panels * (plan.pieces - 1) < panels && panels <= plan.panels * plan.pieces, label)
                XCTAssertGreaterThanOrEqual(2 * plan.rowBlocks * plan.pieces, min(wanted, (m + 5) / 6 * panels), label)
                if wanted == 1 {
                    let limits = blocking.chunkLimits(kc: kc)
                    XCTAssertLessThanOrEqual(plan.rows, max(limits.rows, 6), label)
                    XCTAssertLessThanOrEqual(plan.panels * 32, max(limits.columns, 32), label)
                }
            }
        }
    }

    /// sgemm with `kernel`, per-call packing and prepacked B; checks both against the reference and returns C.
    func product(_ kernel: GEMMKernel, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, beta: Float,
                 seed: UInt64, label: String) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2
        let a = randomFloats((transA ? k : m) * lda, using: &generator)
        let b = randomFloats((transB ? n : k) * ldb, using: &generator)
        let start = randomFloats(m * ldc, using: &generator)
        var c = start, prepacked = start, expected = start
        Kernels.sgemm(kernel: kernel, transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
        let packed = Kernels.PackedRightOperand(kernel: kernel, transB: transB, k: k, n: n, b: b, ldb: ldb)
        Kernels.sgemm(kernel: kernel, transA: transA, m: m, alpha: 0.75, a: a, lda: lda, packedB: packed, beta: beta,
                      c: &prepacked, ldc: ldc)
        Kernels.sgemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda,
                               b: b, ldb: ldb, beta: beta, c: &expected, ldc: ldc)
        XCTAssertEqual(c, prepacked, "packed B: \(label)")
        let scale = max(1, expected.reduce(0) { max($0, abs($1)) })
        XCTAssertLessThan(maxAbsDifference(c, expected) / scale, 1e-5, label)
        return c
    }

    /// Odd shapes across every depth block, row and column chunk edge of each parameter set, every transpose, 1 and
    /// 2 threads, every ISA here; the thread count and the L2 size (chunking) never change a bit.
    func testOddShapesForEveryParameterSet() {
        let shapes = [(1, 1, 1), (7, 33, 41), (103, 97, 83), (257, 193, 170), (61, 700, 400)]
        for isa in runnableISAs {
            for (index, (m, n, k)) in shapes.enumerated() {
                for transA in [false, true] {
                    for transB in [false, true] {
                        let seed = UInt64(index * 4 + (transA ? 2 : 0) + (transB ? 1 : 0))
                        var results: [[Float]] = []
                        for threads in [1, 2] {
                            withKernelSettings(threads: threads, isa: isa) {
                                for cache in [Self.zen4, Self.xeon, Self.tiny] {
                                    let label = "\(isa) \(cache) threads \(threads) \(m)×\(n)×\(k) transA \(transA) transB \(transB)"
                                    let kernel = GEMMKernel.forISA(isa, cache: cache)
                                    let c = product(kernel, transA: transA, transB: transB, m: m, n: n, k: k,
                                                    beta: index % 2 == 0 ? 0 : 1, seed: seed, label: label)
                                    if cache == Self.zen4 { results.append(c) }
                                }
                                // Same L1 as Zen 4 (same depth blocks), half its L2: other chunks, same bits.
                                let halfL2 = CacheInfo(l1d: Self.zen4.l1d, l2: .init(size: 512 << 10, ways: 8), l3: Self.zen4.l3)
                                results.append(product(.forISA(isa, cache: halfL2), transA: transA, transB: transB, m: m, n: n,
                                                       k: k, beta: index % 2 == 0 ? 0 : 1, seed: seed, label: "half L2"))
                            }
                        }
                        XCTAssertTrue(results.allSatisfy { $0 == results[0] }, "\(isa) \(m)×\(n)×\(k) transA \(transA) transB \(transB)")
                    }
                }
            }
        }
    }

    /// A small op(A)ᵀ is read in place with a big L1 and packed with a small one: same depth blocks, same bits.
    func testTransposedAInPlaceAndPackedAgree() {
        for isa in runnableISAs {
            withKernelSettings(threads: 1, isa: isa) {
                let (m, n, k) = (64, 40, 100)
                let big = GEMMKernel.forISA(isa, cache: Self.wide), small = GEMMKernel.forISA(isa, cache: Self.zen4)
                XCTAssertEqual(big.blocking.depthBlock(k: k), k)
                XCTAssertEqual(small.blocking.depthBlock(k: k), k)
                let span = k * 4 * 64   // kc × the 64 rows' four cache lines × 64 bytes
                XCTAssertGreaterThan(span, small.blocking.inPlaceTransposedBytes, "packed on Zen 4's L1")
                XCTAssertLessThanOrEqual(span, big.blocking.inPlaceTransposedBytes, "in place on the big L1")
                let inPlace = product(big, transA: true, transB: false, m: m, n: n, k: k, beta: 0, seed: 3, label: "\(isa) in place")
                let packed = product(small, transA: true, transB: false, m: m, n: n, k: k, beta: 0, seed: 3, label: "\(isa) packed")
                XCTAssertEqual(inPlace, packed, "\(isa)")
            }
        }
    }
}
