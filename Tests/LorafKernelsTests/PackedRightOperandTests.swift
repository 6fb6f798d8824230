import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels

/// `Kernels.PackedRightOperand` (op(B) packed once) gives what `sgemm` gives when it packs B itself, bit for bit.
final class PackedRightOperandTests: XCTestCase {
    /// sgemm with B packed per call and with B packed beforehand, on the same operands; returns both C.
    func products(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
                  seed: UInt64) -> (perCall: [Float], prepacked: [Float]) {
        var generator = RandomGenerator(seed: seed)
        let lda = transA ? m + 2 : k + 1, ldb = transB ? k + 3 : n + 1, ldc = n + 2
        let a = randomFloats((transA ? k : m) * lda, using: &generator)
        let b = randomFloats((transB ? n : k) * ldb, using: &generator)
        var perCall = randomFloats(m * ldc, using: &generator)
        var prepacked = perCall
        Kernels.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: &perCall, ldc: ldc)
        let packed = Kernels.PackedRightOperand(transB: transB, k: k, n: n, b: b, ldb: ldb)
        XCTAssertEqual(packed.k, k)
        XCTAssertEqual(packed.n, n)
        XCTAssertGreaterThanOrEqual(packed.byteCount, k * n * 4)
        Kernels.sgemm(transA: transA, m: m, alpha: alpha, a: a, lda: lda, packedB: packed, beta: beta, c: &prepacked, ldc: ldc)
        return (perCall, prepacked)
    }

    func testSameBitsAsPackingPerCall() {
        // Below one tile, not multiples of nr/kc, several kc blocks, and (k = 16384) several column blocks.
        let sizes = [(1, 1, 1), (7, 5, 3), (13, 33, 300), (130, 257, 513), (3, 600, 16_384)]
        for isa in runnableISAs {
            for threads in [1, 2] {
                withKernelSettings(threads: threads, isa: isa) {
                    for (index, (m, n, k)) in sizes.enumerated() {
                        for transA in [false, true] {
                            for transB in [false, true] {
                                let (perCall, prepacked) = products(transA: transA, transB: transB, m: m, n: n, k: k,
                                                                    alpha: index == 2 ? -0.5 : 1, beta: index == 3 ? 1 : 0,
                                                                    seed: UInt64(index))
                                XCTAssertEqual(perCall, prepacked, "\(isa) threads \(threads) \(m)×\(n)×\(k) transA \(transA) transB \(transB)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testSeveralColumnBlocksAreLaidOutOneAfterAnother() {
        let layout = PackedOperandLayout(kernel: .forISA(CPU.detectedISA), k: 16_384, n: 600)
        XCTAssertLessThan(layout.nc, 600, "k = 16384 keeps a packed block at 16 MiB, so 600 columns need several")
        XCTAssertEqual(layout.columnBlocks.map(\.columns).reduce(0, +), 600)
        XCTAssertEqual(layout.nc % layout.nr, 0)
    }

    func testAPackedOperandIsForTheISAItWasMadeFor() throws {
        guard let lower = runnableISAs.first(where: { $0 != CPU.detectedISA }) else {
            throw XCTSkip("this machine runs one ISA only: nothing to switch to")
        }
        let b = [Float](repeating: 1, count: 12)
        var packed: Kernels.PackedRightOperand?
        withKernelSettings(threads: 1, isa: CPU.detectedISA) { packed = Kernels.PackedRightOperand(transB: false, k: 3, n: 4, b: b, ldb: 4) }
        withKernelSettings(threads: 1, isa: lower) { XCTAssertEqual(packed?.isCurrent, false) }
        withKernelSettings(threads: 1, isa: CPU.detectedISA) { XCTAssertEqual(packed?.isCurrent, true) }
    }
}
