import XCTest
import LorafTestSupport
import Foundation
@testable import LorafTensor

final class TensorTests: XCTestCase {
    func testForwardValuesByHand() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        XCTAssertEqual(try a.matmul(a).scalars, [7, 10, 15, 22])
        XCTAssertEqual(try a.transposed().matmul(a).scalars, [10, 14, 14, 20])
        XCTAssertEqual(try (a + Tensor(shape: [2], scalars: [10, 20])).scalars, [11, 22, 13, 24])
        XCTAssertEqual(try a.sum(axes: [0]).scalars, [4, 6])
        XCTAssertEqual(try a.argmax(axis: 1).scalars, [1, 1])
        let sm = try Tensor(shape: [1, 3], scalars: [0, 0, 0]).softmax(mask: Tensor(shape: [3], scalars: [0, 0, -Float.infinity]))
        assertClose(sm.scalars, [0.5, 0.5, 0])
        XCTAssertEqual(String(describing: a), "Tensor [2, 2] [[1, 2], [3, 4]]")
        // Scaling keeps the sign of zero (x · s, as torch); a shift is added after the product.
        let signed = try Tensor(shape: [3], scalars: [-0.0, 0, -1.5])
        XCTAssertEqual((signed * 2).scalars.map(\.bitPattern), [Float(-0.0), 0, -3].map(\.bitPattern))
        XCTAssertEqual(signed.affine(scale: 2, shift: 1).scalars, [1, 1, -2])
    }

    func testBackwardAccumulatesUntilZeroed() throws {
        let w = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGrad()
        try w.matmul(w).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [7, 11, 9, 13])
        try w.matmul(w).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [14, 22, 18, 26])
        w.zeroGrad()
        XCTAssertNil(w.grad)
        let y = try w.matmul(w).sum()
        try y.backward()
        XCTAssertThrowsError(try y.backward()) { XCTAssert("\($0)".contains("already back-propagated")) }
    }

    func testFrozenWeightGetsNoGradientAndNoGEMM() throws {
        let x = randomTensor([4, 8], seed: 1), w = randomTensor([3, 8], seed: 2, grad: false), b = randomTensor([3], seed: 3)
        let before = AutogradStats.weightGradientGEMMs
        try x.linear(weight: w, bias: b).sum().backward()
        XCTAssertEqual(AutogradStats.weightGradientGEMMs, before, "a frozen weight must cost no weight-gradient GEMM")
        XCTAssertNil(w.grad)
        XCTAssertNotNil(x.grad)
        XCTAssertNotNil(b.grad)
        w.requiringGrad()
        try x.linear(weight: w, bias: b).sum().backward()
        XCTAssertEqual(AutogradStats.weightGradientGEMMs, before + 1)
        let m = randomTensor([8, 3], seed: 4, grad: false)
        try x.matmul(m).sum().backward()
        XCTAssertEqual(AutogradStats.weightGradientGEMMs, before + 1)
    }

    func testNoGradModeRecordsNothing() throws {
        let w = randomTensor([3, 3], seed: 5)
        let y = try GradMode.disabled { try w.matmul(w) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertThrowsError(try y.sum().backward())
    }

    func testShapeMismatchesThrowQuotingBothShapes() throws {
        let a = Tensor(zeros: [2, 3]), b = Tensor(zeros: [4, 5])
        func expect(_ op: String, _ body: () throws -> Tensor) {
            XCTAssertThrowsError(try body()) { error in
                let text = "\(error)"
                XCTAssert(text.contains(op), text)
                XCTAssert(text.contains("[2, 3]") && (text.contains("[4, 5]") || text.contains("[5]")), text)
            }
        }
        expect("matmul") { try a.matmul(b) }
        expect("add") { try a + b }
        expect("mul") { try a * Tensor(zeros: [5]) }
        expect("linear") { try a.linear(weight: b) }
        expect("reshape") { try a.reshaped([4, 5]) }
        XCTAssertThrowsError(try Tensor.embedding(IntTensor(shape: [1], scalars: [9]), weight: Tensor(zeros: [3, 2]))) {
            XCTAssert("\($0)".contains("id 9"), "\($0)")
        }
        XCTAssertThrowsError(try Tensor(shape: [2, 2], scalars: [1]))
    }

    func testViewsShareStorage() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let t = try a.transposed()
        XCTAssertTrue(t.storage === a.storage)
        XCTAssertFalse(t.isContiguous)
        XCTAssertEqual(t.scalars, [1, 4, 2, 5, 3, 6])
        let s = try a.slice(axis: 0, 1..<2)
        XCTAssertTrue(s.storage === a.storage)
        XCTAssertEqual(s.scalars, [4, 5, 6])
        XCTAssertEqual(try a.reshaped([3, 2]).storage === a.storage, true)
    }

    func testMLPTrainingKeepsMemoryFlat() throws {
        var rng = RandomGenerator(seed: 1)
        let w1 = randomTensor([32, 16], seed: 2), b1 = randomTensor([32], seed: 3), w2 = randomTensor([4, 32], seed: 4)
        let x = randomTensor([64, 16], seed: 5, grad: false)
        let y = try IntTensor(shape: [64], scalars: (0..<64).map { _ in Int(rng.next() % 4) })
        func step() throws -> Float {
            let h = try x.linear(weight: w1, bias: b1).gelu()
            let loss = try h.linear(weight: w2).crossEntropy(targets: y)
            try loss.backward()
            GradMode.disabled {
                for p in [w1, b1, w2] {
                    if let g = p.grad { for i in 0..<p.count { p.data[i] -= 0.1 * g.data[i] } }
                    p.zeroGrad()
                }
            }
            return try loss.item()
        }
        let first = try step()
        for _ in 0..<100 { _ = try step() }
        let rssAfterWarmup = residentBytes()
        var last: Float = 0
        for _ in 0..<1000 { last = try step() }
        let growth = residentBytes() - rssAfterWarmup
        XCTAssertLessThan(last, first, "training lowers the loss")
        XCTAssertLessThan(growth, 8 << 20, "RSS grew by \(growth) bytes over 1,000 steps")
    }

    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
