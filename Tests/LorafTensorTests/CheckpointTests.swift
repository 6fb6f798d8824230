import XCTest
@testable import LorafTensor

/// `Tensor.checkpointed`: the gradients of a plain call, with the function run again during backward only when
/// a gradient is recorded; trainable leaves read by the function (not inputs) get theirs too.
final class CheckpointTests: XCTestCase {
    private func values(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() })
    }

    func testGradientsMatchThePlainCall() throws {
        let w = try values([4, 3], seed: 1).requiringGrad()
        let frozen = try values([3, 4], seed: 2)
        var calls = 0
        func block(_ x: Tensor) throws -> Tensor {
            calls += 1
            return try (x.matmul(w).silu().matmul(frozen) + x).tanh()
        }
        func run(checkpointed: Bool) throws -> (x: [Float], w: [Float]) {
            w.zeroGrad()
            let x = try values([2, 4], seed: 3).requiringGrad()
            let hidden = try x * 2
            let y = checkpointed ? try Tensor.checkpointed(inputs: [hidden], parameters: [w]) { try block($0[0]) } : try block(hidden)
            XCTAssertEqual(y.operationName, checkpointed ? "checkpoint" : "tanh")
            try (y * y).sum().backward()
            return (try XCTUnwrap(x.grad).scalars, try XCTUnwrap(w.grad).scalars)
        }
        let plain = try run(checkpointed: false)
        calls = 0
        let checkpointed = try run(checkpointed: true)
        XCTAssertEqual(calls, 2)
        XCTAssertEqual(checkpointed.x, plain.x)
        XCTAssertEqual(checkpointed.w, plain.w)
    }

    /// The parameters' gradients arrive even when the input needs none (a frozen embedding before the first block).
    func testParametersTrainWhenTheInputIsFrozen() throws {
        let w = try values([3, 3], seed: 4).requiringGrad()
        let x = try values([2, 3], seed: 5)
        let y = try Tensor.checkpointed(inputs: [x], parameters: [w]) { try $0[0].matmul(w) }
        try y.sum().backward()
        XCTAssertEqual(try XCTUnwrap(w.grad).scalars, try GradMode.disabled { try x.sum(axes: [0], keepDims: true).transposed().matmul(Tensor(repeating: 1, shape: [1, 3])).scalars })
    }

    func testNoRecomputationWithoutGradients() throws {
        let w = try values([3, 3], seed: 6).requiringGrad()
        let x = try values([2, 3], seed: 7)
        var calls = 0
        let body: ([Tensor]) throws -> Tensor = { calls += 1; return try $0[0].matmul(w) }
        let off = try GradMode.disabled { try Tensor.checkpointed(inputs: [x], parameters: [w], body) }
        XCTAssertEqual(calls, 1)
        XCTAssertNil(off.operationName)
        let frozen = try Tensor.checkpointed(inputs: [x], parameters: []) { try $0[0] * 2 }
        XCTAssertFalse(frozen.requiresGrad)
        let identity = try Tensor.checkpointed(inputs: [x], parameters: [w]) { $0[0] }   // returned unchanged
        XCTAssertFalse(x.requiresGrad)
        XCTAssertTrue(identity.requiresGrad)
    }
}
