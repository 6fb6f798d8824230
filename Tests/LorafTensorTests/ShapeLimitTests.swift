import XCTest
import LorafTestSupport
@testable import LorafTensor

/// Huge, negative and overflowing sizes are errors, never a trap or a failed allocation (issue 14, item 9).
final class ShapeLimitTests: XCTestCase {
    /// Extents that overflow a product, exceed memory, or are negative, mixed with small ones (nothing between:
    /// a size the machine could allocate would be allocated).
    private let extremes = [0, 1, 2, 3, -1, -(1 << 40), 1 << 40, 1 << 41, 1 << 62, Int.max, Int.min]

    func testTheIssueCasesThrowNamingTheSize() throws {
        for shape in [[1 << 40], [Int.max], [1 << 62, 4], [1 << 32, 1 << 32]] {
            XCTAssertThrowsError(try Tensor.zeros(shape), "\(shape)")
        }
        let message = errorOf { _ = try Tensor.zeros([1 << 40]) }.map { "\($0)" } ?? ""
        XCTAssertTrue(message.contains("4.0 TiB") && message.contains("memory"), message)
        let t = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        XCTAssertThrowsError(try t.reshaped([1 << 32, 1 << 32]))
        // A zero extent next to a huge one: 0 elements, and the sum is a 0 scalar without allocating the huge axis.
        let empty = try Tensor(shape: [0, 1 << 62], scalars: [])
        XCTAssertEqual(try empty.sum().item(), 0)
        XCTAssertThrowsError(try empty.sum(axes: [0]), "a result of 2^62 elements must be refused, not allocated")
    }

    /// A seeded property test: every constructor and shape operation, driven with random extreme extents, either
    /// succeeds on a small tensor or throws a TensorError; the process never dies.
    func testRandomExtremeShapesNeverTrap() throws {
        var rng = RandomGenerator(seed: 14)
        func pick() -> Int { extremes[Int(rng.next() % UInt64(extremes.count))] }
        func shape() -> [Int] { (0..<Int(rng.next() % 4)).map { _ in pick() } }
        let small = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var failures = 0
        for _ in 0..<2000 {
            let s = shape()
            let attempts: [() throws -> Any] = [
                { try Tensor.zeros(s) },
                { try Tensor(shape: s, scalars: []) },
                { try IntTensor(shape: s, scalars: []) },
                { try Tensor(shape: s, strides: s.map { _ in pick() }, offset: max(0, pick()), storage: small.storage) },
                { try small.reshaped(s) },
                { try small.reshaped(s + [-1]) },
                { try Tensor(shape: s + [0], scalars: []).sum(axes: [0]) },
                { try small.slice(axis: 0, 0..<max(0, pick())) },
                { try small.split([pick(), pick()], axis: 1) },
                { try small.transposed(pick(), pick()) },
                { try small.permuted([pick(), pick()]) },
                { try small.sum(axes: [pick()]) },
            ]
            for attempt in attempts {
                do { _ = try attempt() } catch is TensorError { failures += 1 } catch { XCTFail("unexpected \(error)") }
            }
        }
        XCTAssertGreaterThan(failures, 1000, "the extremes should mostly be refused")
    }

    func testAllocationGuardNamesTheSize() {
        XCTAssertNoThrow(try TensorShape.allocatableCount([3, 4], op: "t"))
        XCTAssertThrowsError(try TensorShape.allocatableCount([TensorShape.maximumElements + 1], op: "t")) { error in
            XCTAssertTrue("\(error)".contains("more than this machine's memory"), "\(error)")
        }
        XCTAssertThrowsError(try TensorShape.totalAllocatableCount([[Int.max], [Int.max]], op: "t", what: "both"))
        XCTAssertEqual(TensorShape.byteSize(1 << 38), "1.0 TiB")
    }

    private func errorOf(_ body: () throws -> Void) -> Error? {
        do { try body(); return nil } catch { return error }
    }
}
