import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafTensor
@testable import LorafModels

/// all-MiniLM-L6-v2 against the Python reference (Tests/Fixtures/minilm_hidden.safetensors).
final class BertParityTests: XCTestCase {
    func testLastHiddenStateMatchesReference() throws {
        let model = try ModelLoader.load(miniLMDirectory(), task: .base)
        let fixture = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("minilm_hidden.safetensors"))
        let mask = try fixture.intTensor("attention_mask")
        let input = try ModelInput(inputIds: fixture.intTensor("input_ids"), attentionMask: mask,
                                     tokenTypeIds: fixture.intTensor("token_type_ids"))
        let output = try GradMode.disabled { try model.forward(input, model.makeContext()) }
        let expected = try fixture.tensor("last_hidden_state")
        XCTAssertEqual(output.lastHiddenState.shape, expected.shape)
        let hidden = expected.shape[2]
        let worst = maxAbsDifference(output.lastHiddenState.scalars, expected.scalars) { mask.scalars[$0 / hidden] == 1 }
        XCTAssertLessThan(worst, 1e-4, "max abs difference at unpadded positions")
    }

    func testPaddedRowsEqualRowsAlone() throws {
        let model = try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 3), seed: 1)
        let fixture = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("minilm_hidden.safetensors"))
        let ids = try fixture.intTensor("input_ids"), mask = try fixture.intTensor("attention_mask")
        let batch = try GradMode.disabled { try model.forward(ModelInput(inputIds: ids, attentionMask: mask), model.makeContext()) }
        let seq = ids.shape[1], hidden = 384
        for row in [0, 3, 7] {
            let length = mask.row(row).reduce(0, +)
            let alone = try IntTensor(shape: [1, length], scalars: Array(ids.row(row).prefix(length)))
            let single = try GradMode.disabled { try model.forward(ModelInput(inputIds: alone), model.makeContext()) }
            let batchRow = Array(batch.lastHiddenState.scalars[(row * seq * hidden)..<((row * seq + length) * hidden)])
            XCTAssertLessThan(maxAbsDifference(batchRow, single.lastHiddenState.scalars), 1e-5, "row \(row) hidden states")
            let logits = try XCTUnwrap(batch.logits).scalars
            XCTAssertLessThan(maxAbsDifference(Array(logits[(row * 3)..<(row * 3 + 3)]), try XCTUnwrap(single.logits).scalars), 1e-5, "row \(row) logits")
        }
    }

    /// Padding is not computed: its hidden states are 0, a row of padding only leaves the other rows unchanged, and a
    /// batch without any real token still runs (classification logits from the zero pooled input).
    func testPaddingSlotsAreZeroAndEmptyRowsRun() throws {
        let model = try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2), seed: 1)
        func run(_ ids: [[Int]], _ mask: [[Int]]) throws -> ModelOutput {
            let shape = [ids.count, ids[0].count]
            return try GradMode.disabled {
                try model.forward(ModelInput(inputIds: IntTensor(shape: shape, scalars: ids.flatMap { $0 }),
                                             attentionMask: IntTensor(shape: shape, scalars: mask.flatMap { $0 })), model.makeContext())
            }
        }
        let mixed = try run([[101, 7592, 2088, 102], [101, 102, 0, 0], [0, 0, 0, 0]], [[1, 1, 1, 1], [1, 1, 0, 0], [0, 0, 0, 0]])
        let alone = try run([[101, 102]], [[1, 1]])
        let hidden = 384, states = mixed.lastHiddenState.scalars
        XCTAssertEqual(Array(states[((4 + 2) * hidden)...]).filter { $0 != 0 }.count, 0, "padding slots hold 0")
        XCTAssertLessThan(maxAbsDifference(Array(states[(4 * hidden)..<(6 * hidden)]), alone.lastHiddenState.scalars), 1e-5)
        let empty = try run([[0, 0]], [[0, 0]])
        XCTAssertEqual(try XCTUnwrap(empty.logits).shape, [1, 2])
        XCTAssertEqual(empty.lastHiddenState.scalars.filter { $0 != 0 }.count, 0)
    }

    /// `headOnly` (the last block finishes only each row's first token) gives the same logits and parameter
    /// gradients as the full pass (also with gradient checkpointing, whose replay of the last block keeps the same
    /// rows), with a row whose first slot is padding and a row without any token.
    func testHeadOnlyGivesTheSameLogitsAndGradients() throws {
        let model = try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2), seed: 1)
        let ids = [101, 7592, 2088, 102, 0, 101, 2088, 102, 101, 102, 0, 0, 0, 0, 0, 0]
        let mask = [1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
        let watched = ["bert.encoder.layer.5.output.dense.weight", "bert.encoder.layer.5.attention.self.query.weight",
                       "bert.encoder.layer.0.attention.self.value.weight", "classifier.weight"]
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.path, $0.tensor) })
        for name in watched { _ = parameters[name]?.requiringGrad() }
        func run(headOnly: Bool) throws -> (logits: [Float], hidden: Tensor, grads: [[Float]]) {
            var input = try ModelInput(inputIds: IntTensor(shape: [4, 4], scalars: ids), attentionMask: IntTensor(shape: [4, 4], scalars: mask))
            input.headOnly = headOnly
            for name in watched { parameters[name]?.zeroGrad() }
            let output = try model.forward(input, model.makeContext())
            let logits = try XCTUnwrap(output.logits)
            try (logits * logits).sum().backward()
            let grads = try watched.map { try XCTUnwrap(parameters[$0]?.grad?.scalars, $0) }
            return (logits.scalars, output.lastHiddenState, grads)
        }
        let full = try run(headOnly: false), head = try run(headOnly: true)
        model.gradientCheckpointing = true   // the last block's replay in backward keeps the same rows
        let checkpointed = try run(headOnly: true)
        model.gradientCheckpointing = false
        for other in [head, checkpointed] {
            XCTAssertLessThan(maxAbsDifference(full.logits, other.logits), 1e-5)
            for (name, (a, b)) in zip(watched, zip(full.grads, other.grads)) {
                XCTAssertLessThan(maxAbsDifference(a, b), 1e-5 * max(1, a.map(abs).max() ?? 0), name)
            }
        }
        XCTAssertEqual(head.hidden.shape, [4, 1, 384])
        let first = try full.hidden.slice(axis: 1, 0..<1).contiguous().scalars
        XCTAssertLessThan(maxAbsDifference(first, head.hidden.scalars), 1e-5, "each row's first position; 0 where it is padding")
    }

    func testModuleTreeUsesHuggingFaceNames() throws {
        let model = try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2))
        let paths = Set(model.namedModules().map(\.path))
        for path in ["bert.embeddings.word_embeddings", "bert.encoder.layer.3.attention.self.query",
                     "bert.encoder.layer.3.intermediate.dense", "bert.pooler.dense", "classifier"] {
            XCTAssert(paths.contains(path), path)
        }
        let parameterCount = model.namedParameters().filter { !$0.path.hasPrefix("classifier") }.reduce(0) { $0 + $1.tensor.count }
        XCTAssertEqual(parameterCount, 22_713_216, "all-MiniLM-L6-v2 has 22.7M parameters")
        XCTAssert(model.description.contains("query: Linear (in=384, out=384, weight [384, 384], bias [384])"), model.description)
    }
}
