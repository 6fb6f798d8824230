import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels

final class SGEMMTests: XCTestCase {
    /// (m, n, k): degenerate, below one tile, not multiples of mr/nr/kc, and more than one kc block.
    let sizes = [(1, 1, 1), (7, 5, 3), (6, 32, 16), (13, 33, 300), (130, 257, 65), (97, 40, 513)]

    /// Runs sgemm and the reference on the same random operands with padded strides; returns max |error|
    /// relative to the largest |reference| entry.
    func relativeError(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
                       seed: UInt64) -> Float {
        var generator = RandomGenerator(seed: seed)
        let lda = (transA ? m : k) + Int.random(in: 1...5, using: &generator)
        let ldb = (transB ? k : n) + Int.random(in: 1...5, using: &generator)
        let ldc = n + Int.random(in: 0...3, using: &generator)
        let a = randomFloats((transA ? k : m) * lda, using: &generator)
        let b = randomFloats((transB ? n : k) * ldb, using: &generator)
        var c = randomFloats(m * ldc, using: &generator)
        if beta == 0 { c = c.map { _ in .nan } }   // beta == 0 must not read C
        var expected = c
        Kernels.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: &c, ldc: ldc)
        Kernels.sgemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                               b: b, ldb: ldb, beta: beta, c: &expected, ldc: ldc)
        let scale = max(1, expected.reduce(0) { max($0, abs($1)) })
        return zip(c, expected).reduce(0) { worst, pair in
            max(worst, pair.0.isNaN != pair.1.isNaN ? .infinity : abs(pair.0 - pair.1))
        } / scale
    }

    func testAllTransposesSizesISAsAndThreadCounts() {
        for isa in runnableISAs {
            for threads in [1, 2] {
                withKernelSettings(threads: threads, isa: isa) {
                    for (index, (m, n, k)) in sizes.enumerated() {
                        for transA in [false, true] {
                            for transB in [false, true] {
                                let error = relativeError(transA: transA, transB: transB, m: m, n: n, k: k,
                                                          alpha: 1, beta: 0, seed: UInt64(index * 4 + (transA ? 2 : 0) + (transB ? 1 : 0)))
                                XCTAssertLessThan(error, 1e-5, "\(isa) threads \(threads) \(m)×\(n)×\(k) transA \(transA) transB \(transB)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testAlphaBetaVariants() {
        for isa in runnableISAs {
            withKernelSettings(threads: 2, isa: isa) {
                for (alpha, beta) in [(Float(1), Float(1)), (-0.5, 2), (2, 0), (0, 0.5), (0, 0)] {
                    let error = relativeError(transA: true, transB: false, m: 37, n: 70, k: 290, alpha: alpha, beta: beta, seed: 99)
                    XCTAssertLessThan(error, 1e-5, "\(isa) alpha \(alpha) beta \(beta)")
                }
            }
        }
    }

    func testLargeProductSplitsAcrossThreadsCorrectly() {
        // Big enough to take the parallel path with row blocks and packed-B chunks.
        withKernelSettings(threads: 2, isa: CPU.detectedISA) {
            XCTAssertLessThan(relativeError(transA: false, transB: true, m: 301, n: 190, k: 260, alpha: 1, beta: 1, seed: 7), 1e-5)
            XCTAssertLessThan(relativeError(transA: false, transB: false, m: 20, n: 700, k: 50, alpha: 1, beta: 0, seed: 8), 1e-5)
        }
    }

    func testEmptySizes() {
        var c: [Float] = [1, 2, 3, 4]
        let a: [Float] = [1], b: [Float] = [1]
        Kernels.sgemm(transA: false, transB: false, m: 0, n: 2, k: 1, alpha: 1, a: a, lda: 1, b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
        XCTAssertEqual(c, [1, 2, 3, 4])
        Kernels.sgemm(transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 2, beta: 3, c: &c, ldc: 2)
        XCTAssertEqual(c, [3, 6, 9, 12])
        Kernels.sgemm(transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    func testBatchedMatchesPerMatrixReference() {
        var generator = RandomGenerator(seed: 5)
        let (m, n, k, batch) = (19, 23, 11, 9)
        let a = randomFloats(m * k * batch, using: &generator)
        let b = randomFloats(n * k * batch, using: &generator)   // stored [n×k]: transB
        var c = [Float](repeating: .nan, count: m * n * batch)
        var expected = c
        for threads in [1, 2] {
            withKernelSettings(threads: threads, isa: CPU.detectedISA) {
                Kernels.sgemmBatched(transA: false, transB: true, m: m, n: n, k: k, alpha: 0.5, a: a, lda: k, strideA: m * k,
                                     b: b, ldb: k, strideB: n * k, beta: 0, c: &c, ldc: n, strideC: m * n, batch: batch)
            }
            for i in 0..<batch {
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        expected.withUnsafeMutableBufferPointer { e in
                            Kernels.sgemmReference(transA: false, transB: true, m: m, n: n, k: k, alpha: 0.5,
                                                   a: a.baseAddress! + i * m * k, lda: k, b: b.baseAddress! + i * n * k, ldb: k,
                                                   beta: 0, c: e.baseAddress! + i * m * n, ldc: n)
                        }
                    }
                }
            }
            XCTAssertLessThan(maxAbsDifference(c, expected), 1e-5, "threads \(threads)")
        }
    }

    func testPackPanelsZeroFillsAndTransposes() {
        // 3×5 source, row stride 5: pack lanes = columns (laneStride 1) with width 4 → two panels.
        let source: [Float] = (0..<15).map(Float.init)
        var packed = [Float](repeating: -1, count: 2 * 4 * 3)
        GEMMPacking.packPanels(source, depthStride: 5, laneStride: 1, depth: 3, lanes: 5, width: 4, into: &packed)
        XCTAssertEqual(Array(packed[0..<12]), [0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13])
        XCTAssertEqual(Array(packed[12..<24]), [4, 0, 0, 0, 9, 0, 0, 0, 14, 0, 0, 0])
        // Lanes = rows (laneStride 5, depth contiguous), width 2, 3 rows → second panel half empty.
        var rows = [Float](repeating: -1, count: 2 * 2 * 4)
        GEMMPacking.packPanels(source, depthStride: 1, laneStride: 5, depth: 4, lanes: 3, width: 2, into: &rows)
        XCTAssertEqual(rows, [0, 5, 1, 6, 2, 7, 3, 8, 10, 0, 11, 0, 12, 0, 13, 0])
    }

    /// The depth-contiguous branch (op(B) of an NT product) transposes 8×8 blocks in registers: every element lands
    /// where the packing rule puts it, bit for bit, for lane and depth counts on and off the block edges.
    func testTransposedPackingPlacesEveryElement() {
        for (lanes, depth, width) in [(8, 8, 8), (37, 19, 32), (16, 7, 16), (70, 257, 32), (9, 64, 8), (5, 13, 32)] {
            let laneStride = depth + 3
            let source: [Float] = (0..<(lanes * laneStride)).map { Float($0) * 0.5 - 7 }
            let panels = (lanes + width - 1) / width
            var packed = [Float](repeating: .nan, count: panels * width * depth)
            GEMMPacking.packPanels(source, depthStride: 1, laneStride: laneStride, depth: depth, lanes: lanes,
                                   width: width, into: &packed)
            for panel in 0..<panels {
                for p in 0..<depth {
                    for l in 0..<width {
                        let lane = panel * width + l
                        let expected: Float = lane < lanes ? source[lane * laneStride + p] : 0
                        XCTAssertEqual(packed[panel * width * depth + p * width + l].bitPattern, expected.bitPattern,
                                       "lanes \(lanes) depth \(depth) width \(width): panel \(panel), p \(p), l \(l)")
                    }
                }
            }
        }
    }
}

extension SGEMMTests {
    /// The contiguous-lane branch (op(A)ᵀ panels, op(B) of an NN product) walks the depth once, copying each step's
    /// run into every panel and prefetching ahead: every element lands where the packing rule puts it.
    func testContiguousLanePackingPlacesEveryElement() {
        for (lanes, depth, width) in [(97, 40, 6), (6, 3, 6), (70, 9, 32), (5, 17, 8)] {
            let depthStride = lanes + 5
            let source: [Float] = (0..<(depth * depthStride)).map { Float($0) * 0.25 + 1 }
            let panels = (lanes + width - 1) / width
            var packed = [Float](repeating: .nan, count: panels * width * depth)
            GEMMPacking.packPanels(source, depthStride: depthStride, laneStride: 1, depth: depth, lanes: lanes,
                                   width: width, into: &packed)
            var expected: [Float] = []
            for panel in 0..<panels {
                for p in 0..<depth {
                    for l in 0..<width {
                        let lane = panel * width + l
                        expected.append(lane < lanes ? source[p * depthStride + lane] : 0)
                    }
                }
            }
            XCTAssertEqual(packed.map(\.bitPattern), expected.map(\.bitPattern), "lanes \(lanes) depth \(depth) width \(width)")
        }
    }
}
