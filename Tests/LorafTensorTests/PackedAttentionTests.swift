import XCTest
import LorafKernels
import LorafTestSupport
@testable import LorafTensor

/// The fused packed attention against the same attention composed from the plain ops (matmul, masked softmax,
/// dropout) per sequence: outputs and the gradients of all three inputs, for an encoder layout, a causal
/// grouped-query layout with a sliding window, dropout, an empty sequence, and any thread count.
final class PackedAttentionTests: XCTestCase {
    /// The composed reference: per sequence, heads split by reshape/permute, key/value heads repeated per group,
    /// softmax(scale·QKᵀ + mask) (times the dropout multipliers drawn from `rng` for all probabilities, the
    /// sequence's [heads, L, L] slice of them), then P·V.
    func reference(_ q: Tensor, _ k: Tensor, _ v: Tensor, _ layout: AttentionLayout, scale: Float,
                   dropout: Float = 0, rng: inout RandomGenerator) throws -> Tensor {
        let (heads, kvHeads, d) = (layout.heads, layout.kvHeads, layout.headDim)
        var outputs: [Tensor] = []
        let keep = try Tensor(repeating: 1, shape: [layout.probabilityCount]).dropout(dropout, training: dropout > 0, rng: &rng)
        for s in 0..<layout.sequenceCount where layout.length(s) > 0 {
            let length = layout.length(s), rows = layout.offsets[s]..<layout.offsets[s + 1]
            func split(_ x: Tensor, _ count: Int) throws -> Tensor { try x.slice(axis: 0, rows).reshaped([length, count, d]).permuted([1, 0, 2]) }
            func repeated(_ x: Tensor) throws -> Tensor {
                try Tensor.concat((0..<heads).map { h in try x.slice(axis: 0, (h / layout.groups)..<(h / layout.groups + 1)) }, axis: 0)
            }
            let mask = try Tensor(shape: [1, length, length], scalars: (0..<(length * length)).map { index in
                layout.keys(query: index / length, length: length).contains(index % length) ? 0 : -Float.greatestFiniteMagnitude
            })
            var probs = try (split(q, heads).matmul(repeated(split(k, kvHeads)).transposed()) * scale).softmax(mask: mask)
            let start = layout.probabilityOffsets[s]
            probs = try probs * keep.slice(axis: 0, start..<(start + heads * length * length)).reshaped([heads, length, length])
            outputs.append(try probs.matmul(repeated(split(v, kvHeads))).permuted([1, 0, 2]).reshaped([length, heads * d]))
        }
        return try Tensor.concat(outputs, axis: 0)
    }

    /// Output and input gradients of the packed op equal the reference's (1e-5).
    func assertMatchesReference(_ layout: AttentionLayout, dropout: Float = 0, file: StaticString = #filePath, line: UInt = #line) throws {
        let n = layout.tokenCount, d = layout.headDim
        let inputs = [randomTensor([n, layout.heads * d], seed: 1), randomTensor([n, layout.kvHeads * d], seed: 2),
                      randomTensor([n, layout.kvHeads * d], seed: 3)]
        let weights = randomTensor([n, layout.heads * d], seed: 4, grad: false)
        let scale = 1 / Float(d).squareRoot()
        func run(_ f: (inout RandomGenerator) throws -> Tensor) throws -> (output: [Float], grads: [[Float]]) {
            for x in inputs { x.zeroGrad() }
            var rng = RandomGenerator(seed: 11)
            let out = try f(&rng)
            try (out * weights).sum().backward()
            return (out.scalars, try inputs.map { try XCTUnwrap($0.grad).scalars })
        }
        let packed = try run { try Tensor.packedAttention(query: inputs[0], key: inputs[1], value: inputs[2], layout: layout, scale: scale,
                                                          dropout: dropout, training: dropout > 0, rng: &$0) }
        let composed = try run { try reference(inputs[0], inputs[1], inputs[2], layout, scale: scale, dropout: dropout, rng: &$0) }
        assertClose(packed.output, composed.output, file: file, line: line)
        for (name, (a, b)) in zip(["dq", "dk", "dv"], zip(packed.grads, composed.grads)) {
            XCTAssertLessThan(maxAbsDifference(a, b), 1e-5, name, file: file, line: line)
        }
    }

    func testEncoderLayoutMatchesComposedAttention() throws {
        try assertMatchesReference(AttentionLayout(offsets: [0, 5, 6, 9], heads: 2, kvHeads: 2, headDim: 4, causal: false))
    }

    func testCausalGroupedQueryWithWindowMatchesComposedAttention() throws {
        try assertMatchesReference(AttentionLayout(offsets: [0, 7, 7, 10], heads: 4, kvHeads: 2, headDim: 6, causal: true))
        try assertMatchesReference(AttentionLayout(offsets: [0, 7, 10], heads: 3, kvHeads: 1, headDim: 4, causal: true, window: 3))
    }

    func testDropoutDrawsTheMaskInSequenceHeadOrder() throws {
        try assertMatchesReference(AttentionLayout(offsets: [0, 4, 9], heads: 3, kvHeads: 3, headDim: 4, causal: false), dropout: 0.3)
        try assertMatchesReference(AttentionLayout(offsets: [0, 6, 6, 11], heads: 4, kvHeads: 2, headDim: 4, causal: true, window: 4),
                                   dropout: 0.3)
    }

    func testGradientsMatchFiniteDifferences() throws {
        let layout = try AttentionLayout(offsets: [0, 3, 5], heads: 2, kvHeads: 1, headDim: 4, causal: true)
        let inputs = [randomTensor([5, 8], seed: 5), randomTensor([5, 4], seed: 6), randomTensor([5, 4], seed: 7)]
        assertGradients(inputs) { x in
            var rng = RandomGenerator(seed: 1)
            return try Tensor.packedAttention(query: x[0], key: x[1], value: x[2], layout: layout, scale: 0.5, rng: &rng)
        }
    }

    func testResultDoesNotDependOnThreadCount() throws {
        let layout = try AttentionLayout(offsets: [0, 40, 41, 90], heads: 4, kvHeads: 2, headDim: 16, causal: true, window: 17)
        let q = randomTensor([90, 64], seed: 8), k = randomTensor([90, 32], seed: 9), v = randomTensor([90, 32], seed: 10)
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        let results = try [1, 2].map { threads -> [Float] in
            Parallel.threadCount = threads
            q.zeroGrad(); k.zeroGrad(); v.zeroGrad()
            var rng = RandomGenerator(seed: 3)
            let out = try Tensor.packedAttention(query: q, key: k, value: v, layout: layout, scale: 0.25, dropout: 0.2,
                                                 training: true, rng: &rng)
            try (out * out).sum().backward()
            return out.scalars + (try XCTUnwrap(q.grad).scalars) + (try XCTUnwrap(k.grad).scalars) + (try XCTUnwrap(v.grad).scalars)
        }
        XCTAssertEqual(results[0], results[1])
    }

    func testShapeAndLayoutErrorsAreClear() throws {
        XCTAssertThrowsError(try AttentionLayout(offsets: [0, 3, 2], heads: 2, kvHeads: 1, headDim: 4, causal: false)) { error in
            XCTAssert("\(error)".contains("never decrease"), "\(error)")
        }
        XCTAssertThrowsError(try AttentionLayout(offsets: [0, 3], heads: 3, kvHeads: 2, headDim: 4, causal: false))
        XCTAssertThrowsError(try AttentionLayout(offsets: [0, 3], heads: 2, kvHeads: 2, headDim: 4, causal: false, window: 2))
        let layout = try AttentionLayout(offsets: [0, 3], heads: 2, kvHeads: 2, headDim: 4, causal: false)
        var rng = RandomGenerator(seed: 1)
        XCTAssertThrowsError(try Tensor.packedAttention(query: randomTensor([4, 8], seed: 1), key: randomTensor([3, 8], seed: 2),
                                                        value: randomTensor([3, 8], seed: 3), layout: layout, scale: 1, rng: &rng)) { error in
            XCTAssert("\(error)".contains("packed_attention"), "\(error)")
        }
    }
}
