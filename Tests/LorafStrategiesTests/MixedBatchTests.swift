import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Batches whose rows name different adapters (or none): each row must equal that example run alone with its
/// adapter, in inference and in training.
final class MixedBatchTests: XCTestCase {
    /// A tiny model with adapters of every kind (each changed so it matters) and an extra one no row uses.
    private func modelWithAdapters() throws -> AdaptedModel {
        let model = try tinyClassifier()
        let adapters: [(String, String, [String: OptionValue])] = [
            ("a", "lora", ["init_lora_weights": .bool(false), "r": .int(2)]),
            ("b", "lora", ["init_lora_weights": .bool(false), "r": .int(3), "seed": .int(4)]),
            ("bit", "bitfit", [:]),
            ("bn", "adapter", ["reduction_factor": .int(2)]),
            ("unused", "lora", ["init_lora_weights": .bool(false)]),
        ]
        for (i, (name, strategy, values)) in adapters.enumerated() {
            try adapt(model, strategy, name: name, values)
            perturbTrainable(model, seed: UInt64(20 + i))
        }
        return model
    }

    private let rows: [String?] = ["a", "b", nil, "bit", "bn", "a"]

    /// Six examples: the rows of `tinyBatch` cycled, with `names` per row.
    private func batch(_ names: [String?]?, only row: Int? = nil) throws -> ModelInput {
        let base = try tinyBatch()
        let seq = base.inputIds.shape[1]
        let picks = row.map { [$0] } ?? Array(0..<rows.count)
        func take(_ t: IntTensor) throws -> IntTensor {
            try IntTensor(shape: [picks.count, seq], scalars: picks.flatMap { Array(t.row($0 % 3)) })
        }
        return try ModelInput(inputIds: take(base.inputIds), attentionMask: take(base.attentionMask), adapterNames: names)
    }

    func testInferenceRowsEqualSingleExampleRuns() throws {
        let model = try modelWithAdapters()
        let mixed = try logits(model, batch(rows))
        for (i, name) in rows.enumerated() {
            if let name { try model.setAdapter(name) } else { try model.disableAdapters() }
            let alone = try logits(model, batch(nil, only: i))
            XCTAssertLessThan(maxAbsDifference(Array(mixed[(2 * i)..<(2 * i + 2)]), alone), 1e-5, "row \(i) (\(name ?? "base"))")
            model.enableAdapters()
        }
        // And the rows differ from each other's adapters (the test could fail).
        XCTAssertGreaterThan(maxAbsDifference(Array(mixed[0..<2]), Array(mixed[6..<8])), 1e-4)
    }

    /// With `headOnly` the last block finishes each row's first token only; the kept rows keep their adapters
    /// (ForwardContext.rowExamples remapped), so the mixed batch's logits are unchanged.
    func testHeadOnlyKeepsEachRowsAdapter() throws {
        let model = try modelWithAdapters()
        var input = try batch(rows)
        let full = try logits(model, input)
        input.headOnly = true
        XCTAssertLessThan(maxAbsDifference(try logits(model, input), full), 1e-5)
        XCTAssertEqual(try model.forward(input, ForwardContext(training: false)).lastHiddenState.shape[1], 1, "the last block ran head-only")
    }

    func testTrainingGradientsGoToEachRowsAdapterOnly() throws {
        let model = try modelWithAdapters()
        var everyAdapterTensor: [(path: String, tensor: Tensor)] = []
        for name in model.adapterNames {
            everyAdapterTensor += try model.adapter(name).parameters(in: model) + model.modulesToSaveParameters(for: name)
        }
        for (_, t) in everyAdapterTensor { t.requiringGrad(true) }
        let labels = [0, 1, 1, 0, 1, 0]
        func loss(_ input: ModelInput, _ targets: [Int]) throws -> Tensor {
            let out = try XCTUnwrap(model.forward(input, ForwardContext(training: false)).logits)
            return try out.crossEntropy(targets: IntTensor(shape: [targets.count], scalars: targets)) * Float(targets.count)
        }
        try loss(batch(rows), labels).backward()
        let mixedGrads = everyAdapterTensor.map { $0.tensor.grad?.scalars }
        for (_, t) in everyAdapterTensor { t.zeroGrad() }
        for (i, name) in rows.enumerated() {
            let single = try loss(batch([name], only: i), [labels[i]])
            // A row naming no adapter runs the frozen base model: nothing of any adapter is reached.
            if name == nil { XCTAssertFalse(single.requiresGrad) } else { try single.backward() }
        }
        for ((path, tensor), mixed) in zip(everyAdapterTensor, mixedGrads) {
            if path.contains(".unused.") {
                XCTAssertNil(mixed, "\(path): used by no row")
                continue
            }
            let summed = try XCTUnwrap(tensor.grad?.scalars, path)
            let got = try XCTUnwrap(mixed, path)
            let scale = max(summed.map(abs).max() ?? 0, 1e-3)
            XCTAssertLessThan(maxAbsDifference(got, summed) / scale, 1e-4, path)
        }
        XCTAssertTrue(mixedGrads.contains { $0 != nil && $0!.contains { $0 != 0 } })
    }

    func testMixedBatchErrors() throws {
        let model = try modelWithAdapters()
        XCTAssertTrue(errorMessage { _ = try model.forward(self.batch(["a", "zz", nil, nil, nil, nil]), model.makeContext()) }
            .contains("adapter_names: no adapter named 'zz'"))
        XCTAssertTrue(errorMessage { _ = try self.batch(["a", "b"]) }.contains("adapter_names has 2 entries but the batch has 6 examples"))
        try model.setAdapter("a")
        try model.merge()
        XCTAssertTrue(errorMessage { _ = try model.forward(self.batch(self.rows), model.makeContext()) }.contains("cannot mix adapters in a batch while a is merged"))
    }
}
