import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Several named adapters on one model: switching, disabling, deleting.
final class MultiAdapterTests: XCTestCase {
    private func paramCount(_ model: AdaptedModel) -> Int { model.allParameters.reduce(0) { $0 + $1.tensor.count } }

    func testSetDisableDeleteTwoLoRAAdapters() throws {
        let model = try tinyClassifier()
        let batch = try tinyBatch()
        let base = try logits(model, batch)
        try adapt(model, "lora", name: "a", ["init_lora_weights": .bool(false), "r": .int(2)])
        let countWithA = paramCount(model)
        let pathsWithA = Set(model.base.namedModules().map(\.path))
        let withA = try logits(model, batch)
        try adapt(model, "lora", name: "b", ["init_lora_weights": .bool(false), "r": .int(3), "seed": .int(9)])
        XCTAssertEqual(model.activeAdapter, "b")
        let withB = try logits(model, batch)
        XCTAssertGreaterThan(maxAbsDifference(withA, withB), 1e-5)
        XCTAssertTrue(model.trainableParameters.allSatisfy { $0.path.contains(".b.") }, "only b trains while b is active")

        try model.setAdapter("a")
        XCTAssertEqual(try logits(model, batch), withA)
        XCTAssertTrue(model.trainableParameters.allSatisfy { $0.path.contains(".a.") })
        try model.disableAdapters()
        XCTAssertEqual(try logits(model, batch), base)
        XCTAssertTrue(model.trainableParameters.isEmpty)
        model.enableAdapters()
        XCTAssertEqual(try logits(model, batch), withA)

        try model.deleteAdapter("b")
        XCTAssertFalse(model.base.namedModules().contains { $0.path.split(separator: ".").contains("b") })
        XCTAssertFalse(model.allParameters.contains { $0.path.split(separator: ".").contains("b") })
        XCTAssertEqual(paramCount(model), countWithA)
        XCTAssertEqual(Set(model.base.namedModules().map(\.path)), pathsWithA)
        XCTAssertEqual(model.adapterNames, ["a"])
        XCTAssertEqual(try logits(model, batch), withA)
        XCTAssertTrue(errorMessage { try model.setAdapter("b") }.contains("no adapter named 'b' (attached: a)"))
    }

    func testDeletingEveryKindRestoresTheBaseModelExactly() throws {
        let model = try tinyClassifier()
        let batch = try tinyBatch()
        let base = try logits(model, batch)
        let baseState = model.allParameters.map { "\($0.path) \($0.tensor.scalars)" }
        let baseModules = model.base.namedModules().map(\.path)
        for (name, strategy, values) in [("lo", "lora", ["init_lora_weights": OptionValue.bool(false)]), ("bit", "bitfit", [:]),
                                         ("hou", "adapter", ["reduction_factor": .int(2)]), ("pf", "adapter", ["variant": .string("pfeiffer"), "reduction_factor": .int(2)])] {
            try adapt(model, strategy, name: name, values)
            perturbTrainable(model, seed: 3)
            XCTAssertGreaterThan(maxAbsDifference(try logits(model, batch), base), 1e-5, name)
        }
        try model.disableAdapters()
        XCTAssertEqual(try logits(model, batch), base)
        for name in ["bit", "lo", "pf", "hou"] { try model.deleteAdapter(name) }
        XCTAssertEqual(model.base.namedModules().map(\.path), baseModules)
        XCTAssertEqual(model.allParameters.map { "\($0.path) \($0.tensor.scalars)" }, baseState)
        XCTAssertEqual(try logits(model, batch), base)
    }

    func testBitFitMergeWritesBiasesAndUnmergeRestoresThem() throws {
        let model = try tinyClassifier()
        let batch = try tinyBatch()
        let baseBiases = model.allParameters.filter { $0.path.hasSuffix(".bias") }.map(\.tensor.scalars)
        try adapt(model, "bitfit")
        perturbTrainable(model, seed: 8)
        let unmerged = try logits(model, batch)
        try model.merge()
        XCTAssertLessThan(maxAbsDifference(try logits(model, batch), unmerged), 1e-5)
        let query = try XCTUnwrap(model.base.module(at: "bert.encoder.layer.0.attention.self.query") as? BitFitBiasLayer)
        XCTAssertEqual(try query.baseBias.scalars, query.bias(of: "default")?.scalars)
        try model.unmerge()
        XCTAssertEqual(try logits(model, batch), unmerged)
        try model.deleteAdapter("default")
        XCTAssertEqual(model.allParameters.filter { $0.path.hasSuffix(".bias") }.map(\.tensor.scalars), baseBiases)
    }

    func testBottleneckCannotMerge() throws {
        let model = try tinyClassifier()
        try adapt(model, "adapter", ["reduction_factor": .int(2)])
        XCTAssertTrue(errorMessage { try model.merge() }.contains("bottleneck adapter, which cannot be merged"))
    }
}
