import XCTest
import LorafTensor
import LorafTestSupport
@testable import LorafKernels

final class BF16GEMMTests: XCTestCase {
    /// (m, n, k): degenerate, below one tile, odd k, not multiples of mr = 6 / nr = 32, more than one depth block (256).
    let sizes = [(1, 1, 1), (7, 5, 3), (6, 32, 16), (13, 33, 301), (130, 257, 65), (97, 40, 513)]

    override func setUpWithError() throws {
        guard Kernels.hasBF16Kernel else {
            throw XCTSkip("this CPU has no AVX512_BF16 (or LORAF_ISA is below avx512): the bf16 kernel cannot run")
        }
    }

    func testScalarRoundingIsNearestEvenOnTheBits() {
        XCTAssertEqual(BF16.round(1), 0x3F80)
        XCTAssertEqual(BF16.round(Float(bitPattern: 0x3F80_8000)), 0x3F80)  // tie, even below
        XCTAssertEqual(BF16.round(Float(bitPattern: 0x3F81_8000)), 0x3F82)  // tie, odd below: up
        XCTAssertEqual(BF16.round(Float(bitPattern: 0x3F80_8001)), 0x3F81)  // above the tie
        XCTAssertEqual(BF16.round(Float(bitPattern: 0x3F80_7FFF)), 0x3F80)  // below the tie
        XCTAssertEqual(BF16.round(-0.0), 0x8000)
        XCTAssertEqual(BF16.round(.greatestFiniteMagnitude), 0x7F80)       // past the largest bf16: +inf
        XCTAssertEqual(BF16.round(-.infinity), 0xFF80)
        XCTAssertEqual(BF16.round(.nan), 0x7FC0)
        XCTAssertEqual(BF16.widen(0x3F82), Float(bitPattern: 0x3F82_0000))
    }

    /// A times the identity gives bf16(A) exactly (one nonzero product per entry), so the kernel's vector rounding of
    /// A must equal the scalar twin bit for bit, ties and the tail past the last 16-float vector included.
    func testVectorRoundingOfAMatchesScalarTwin() {
        var generator = RandomGenerator(seed: 5)
        let (m, k) = (9, 37)
        var a = randomFloats(m * k, in: -300...300, using: &generator)
        a[0] = Float(bitPattern: 0x3F80_8000); a[1] = Float(bitPattern: 0x3F81_8000); a[17] = Float(bitPattern: 0xBF81_8000)
        a[36] = Float(bitPattern: 0x4000_8000)
        var identity = [Float](repeating: 0, count: k * k)
        for i in 0..<k { identity[i * k + i] = 1 }
        let b = BF16PackedMatrix(packing: identity, depth: k, columns: k, depthStride: k, columnStride: 1)
        var c = [Float](repeating: .nan, count: m * k)
        Kernels.bf16gemm(m: m, a: a, lda: k, b: b, c: &c, ldc: k, accumulate: false)
        for i in 0..<(m * k) { XCTAssertEqual(c[i].bitPattern, BF16.widen(BF16.round(a[i])).bitPattern, "element \(i)") }
    }

    /// The kernel against Σ_p bf16(A[i,p])·bf16(B[p,j]) in Double. Tolerance: 2e-5 · Σ_p |bf16(A)·bf16(B)| per
    /// entry (the products of bf16 values are exact in Float32; what differs is the Float32 summation, ~√k·2⁻²⁴
    /// relative to that sum, k ≤ 513), both packed layouts (B = W and B = Wᵀ of a stored W), 1 and 2 threads, with
    /// and without accumulation into C.
    func testMatchesDoubleReferenceOnOddShapes() {
        for threads in [1, 2] {
            withKernelSettings(threads: threads, isa: CPU.detectedISA) {
                for (index, (m, n, k)) in sizes.enumerated() {
                    for transposed in [false, true] {
                        for accumulate in [false, true] {
                            let seed = UInt64(index * 4 + (transposed ? 2 : 0) + (accumulate ? 1 : 0))
                            let excess = worstExcess(m: m, n: n, k: k, transposed: transposed, accumulate: accumulate, seed: seed,
                                                     multiply: Kernels.bf16gemm)
                            XCTAssertLessThanOrEqual(excess, 1, "threads \(threads) \(m)×\(n)×\(k) transposed \(transposed) accumulate \(accumulate)")
                        }
                    }
                }
            }
        }
    }

    /// The scalar twin (what `bf16gemm` runs without AVX512_BF16) meets the same bound.
    func testScalarTwinMatchesDoubleReference() {
        for (index, (m, n, k)) in sizes.prefix(5).enumerated() {
            let excess = worstExcess(m: m, n: n, k: k, transposed: true, accumulate: index % 2 == 1, seed: UInt64(40 + index),
                                     multiply: Kernels.bf16gemmScalar)
            XCTAssertLessThanOrEqual(excess, 1, "\(m)×\(n)×\(k)")
        }
    }

    typealias Multiply = (Int, UnsafePointer<Float>, Int, BF16PackedMatrix, UnsafeMutablePointer<Float>, Int, Bool) -> Void

    /// max over entries of |C − reference| / (2e-5 · (|C₀| + Σ_p |bf16(a)·bf16(b)|) + 1e-30): ≤ 1 passes. B is stored as a
    /// layer's W: [n×k] read transposed (`transposed`) or [k×n]; lda and ldc are padded.
    func worstExcess(m: Int, n: Int, k: Int, transposed: Bool, accumulate: Bool, seed: UInt64, multiply: Multiply) -> Double {
        var generator = RandomGenerator(seed: seed)
        let lda = k + 3, ldc = n + 2
        let a = randomFloats(m * lda, using: &generator)
        let w = randomFloats(n * k, using: &generator)
        let b = transposed ? BF16PackedMatrix(packing: w, depth: k, columns: n, depthStride: 1, columnStride: k)
                           : BF16PackedMatrix(packing: w, depth: k, columns: n, depthStride: n, columnStride: 1)
        var c = accumulate ? randomFloats(m * ldc, using: &generator) : [Float](repeating: .nan, count: m * ldc)
        let before = c
        c.withUnsafeMutableBufferPointer { multiply(m, a, lda, b, $0.baseAddress!, ldc, accumulate) }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? Double(before[i * ldc + j]) : 0, magnitude = abs(sum)
                for p in 0..<k {
                    let bp = transposed ? w[j * k + p] : w[p * n + j]
                    let product = Double(BF16.widen(BF16.round(a[i * lda + p]))) * Double(BF16.widen(BF16.round(bp)))
                    sum += product
                    magnitude += abs(product)
                }
                let error = abs(Double(c[i * ldc + j]) - sum)
                worst = max(worst, error.isNaN ? .infinity : error / (2e-5 * magnitude + 1e-30))
            }
        }
        // Padding columns of C past n are never written.
        for i in 0..<m where ldc > n { if accumulate, c[i * ldc + n] != before[i * ldc + n] { return .infinity } }
        return worst
    }
}
