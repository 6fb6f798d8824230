import XCTest
import LorafKernels
import LorafTensor
import LorafTestSupport

/// `Tensor.dropout`'s masks: as documented (eight generators per run, two 24-bit uniforms per word), the same at
/// any thread count and on every ISA, and dropping about p of the elements.
final class DropoutTests: XCTestCase {
    /// The documented mask, drawn one word at a time with `RandomGenerator`.
    func referenceMask(count: Int, p: Float, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        let base = rng.next()
        let threshold = UInt64((Double(p) * 16_777_216).rounded(.up)), scale = 1 / (1 - p)
        let runs = (count + 65_535) / 65_536, size = (count + runs - 1) / runs
        var mask = [Float](repeating: -1, count: count)
        for start in stride(from: 0, to: count, by: size) {
            let end = min(count, start + size)
            var generators = (0..<8).map { RandomGenerator(seed: base, stream: UInt64(start + $0)) }
            for step in stride(from: start, to: end, by: 16) {
                for j in 0..<8 {
                    let word = generators[j].next()
                    for (i, uniform) in [(step + j, word >> 40), (step + 8 + j, word >> 16 & 0xFF_FFFF)] where i < end {
                        mask[i] = uniform < threshold ? 0 : scale
                    }
                }
            }
        }
        return mask
    }

    func testMaskIsTheDocumentedOneOnEveryISAAndThreadCount() throws {
        let count = 2 * 65_536 + 1_003   // three runs of 44,025 or 44,024 elements: tails of 9 and 8
        let x = Tensor(repeating: 1, shape: [count])
        let expected = referenceMask(count: count, p: 0.1, seed: 11)
        let (savedISA, savedThreads) = (CPU.isa, Parallel.threadCount)
        defer { (CPU.isa, Parallel.threadCount) = (savedISA, savedThreads) }
        for isa in ISA.allCases where isa <= CPU.detectedISA {
            for threads in [1, 2] {
                (CPU.isa, Parallel.threadCount) = (isa, threads)
                var rng = RandomGenerator(seed: 11)
                let y = try x.dropout(0.1, training: true, rng: &rng)
                XCTAssertEqual(y.scalars, expected, "\(isa), \(threads) threads")
            }
        }
        let dropped = Double(expected.filter { $0 == 0 }.count) / Double(count)
        XCTAssertEqual(dropped, 0.1, accuracy: 0.005, "about p of the elements are dropped")
    }

    /// The backward draws the mask again from the forward's seeds (none is stored): the input's gradient is the
    /// output's gradient times the forward's mask, bit for bit, also with other draws in between.
    func testBackwardUsesTheForwardMask() throws {
        let count = 65_536 + 77
        let x = randomTensor([count], seed: 3, low: 0.5, high: 2)
        var rng = RandomGenerator(seed: 12)
        let y = try x.dropout(0.2, training: true, rng: &rng)
        _ = try Tensor(repeating: 1, shape: [50]).dropout(0.5, training: true, rng: &rng)   // another draw
        let g = randomTensor([count], seed: 4, grad: false)
        try y.backward(seed: g)
        let mask = referenceMask(count: count, p: 0.2, seed: 12)
        let expected = zip(g.scalars, mask).map { $0 * $1 }
        XCTAssertEqual(try XCTUnwrap(x.grad).scalars.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(y.scalars.map(\.bitPattern), zip(x.scalars, mask).map { $0 * $1 }.map(\.bitPattern))
    }

    /// `droppedLinear` keeps no dropped copy yet gives dropout-then-linear's values and gradients bit for bit, and
    /// draws the same words of the generator; in evaluation it is the plain product.
    func testDroppedLinearEqualsDropoutThenLinear() throws {
        let weight = randomTensor([16, 40], seed: 6)
        func run(fused: Bool, training: Bool) throws -> (y: [Float], dx: [Float], dw: [Float], next: UInt64) {
            let x = randomTensor([3, 7, 40], seed: 5)
            weight.zeroGrad()
            var rng = RandomGenerator(seed: 9)
            let y = fused ? try x.droppedLinear(0.3, training: training, rng: &rng, weight: weight)
                          : try x.dropout(0.3, training: training, rng: &rng).linear(weight: weight)
            try y.backward(seed: randomTensor(y.shape, seed: 8, grad: false))
            return (y.scalars, try XCTUnwrap(x.grad).scalars, try XCTUnwrap(weight.grad).scalars, rng.next())
        }
        for training in [true, false] {
            let (fused, plain) = (try run(fused: true, training: training), try run(fused: false, training: training))
            XCTAssertEqual(fused.y.map(\.bitPattern), plain.y.map(\.bitPattern), "values, training \(training)")
            XCTAssertEqual(fused.dx.map(\.bitPattern), plain.dx.map(\.bitPattern), "dx, training \(training)")
            XCTAssertEqual(fused.dw.map(\.bitPattern), plain.dw.map(\.bitPattern), "dW, training \(training)")
            XCTAssertEqual(fused.next, plain.next, "the same draws, training \(training)")
        }
    }
}
