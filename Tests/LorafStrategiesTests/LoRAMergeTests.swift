import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Merging LoRA into the base weights: same outputs, exact restore, and the base model's cost.
final class LoRAMergeTests: XCTestCase {
    func testMergedMatchesUnmergedAndUnmergeRestoresTheWeights() throws {
        let model = try miniLMClassifier()
        let batch = try miniLMBatch()
        try adapt(model, "lora", ["init_lora_weights": .bool(false), "target_modules": .list([.string("query"), .string("value"), .string("dense")])])
        let query = try XCTUnwrap(model.base.module(at: "bert.encoder.layer.2.attention.self.query") as? LoRALinear)
        let weightBefore = try XCTUnwrap(query.baseLinear).dequantizedWeight().scalars
        let unmerged = try logits(model, batch)
        try model.merge()
        XCTAssertGreaterThan(maxAbsDifference(try XCTUnwrap(query.baseLinear).dequantizedWeight().scalars, weightBefore), 1e-4, "merge changed W")
        XCTAssertLessThan(maxAbsDifference(try logits(model, batch), unmerged), 1e-5)
        try model.unmerge()
        XCTAssertLessThan(maxAbsDifference(try XCTUnwrap(query.baseLinear).dequantizedWeight().scalars, weightBefore), 1e-6)
        XCTAssertLessThan(maxAbsDifference(try logits(model, batch), unmerged), 1e-5)
    }

    /// Every matmul or linear whose right-hand operand requires a gradient runs one weight-gradient GEMM in
    /// backward, so with every tensor trainable the count equals the forward's GEMMs with a weight.
    private func weightGEMMs(_ layer: UnaryModule, _ x: Tensor, _ context: ForwardContext) throws -> Int {
        AutogradStats.weightGradientGEMMs = 0
        try layer.forward(x, context).sum().backward()
        return AutogradStats.weightGradientGEMMs
    }

    func testMergedLoRALinearRunsOneGEMM() throws {
        var rng = RandomGenerator(seed: 1)
        let layer = LoRALinear(base: Linear(inFeatures: 3, outFeatures: 2, rng: &rng))
        try layer.addAdapter("a", r: 2, scale: 0.5, p: 0, initialization: "random", rng: &rng)
        for (_, t) in layer.namedParameters() { t.requiringGrad(true) }
        let x = try Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) / 7 })
        let context = ForwardContext(training: false, activeAdapters: ["a"])
        XCTAssertEqual(try weightGEMMs(layer, x, context), 3, "base W, A and B")
        try layer.fold("a", sign: 1)
        layer.mergedAdapters.insert("a")
        XCTAssertEqual(try weightGEMMs(layer, x, context), 1, "only the merged W")
    }

    func testMergedModelCostsWhatTheBaseModelCosts() throws {
        let model = try miniLMClassifier()
        let batch = try miniLMBatch()
        func allTrainableGEMMs() throws -> Int {
            for (_, t) in model.allParameters { t.requiringGrad(true) }
            AutogradStats.weightGradientGEMMs = 0
            try XCTUnwrap(model.forward(batch, model.makeContext()).logits).sum().backward()
            for (_, t) in model.allParameters { t.zeroGrad() }
            return AutogradStats.weightGradientGEMMs
        }
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            try body()  // warm-up
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[2]
        }
        let baseGEMMs = try allTrainableGEMMs()
        let baseTime = try seconds { _ = try logits(model, batch) }
        try adapt(model, "lora", ["init_lora_weights": .bool(false)])
        let loraModules = model.base.namedModules().filter { $0.module is LoRALinear }.count
        XCTAssertEqual(try allTrainableGEMMs(), baseGEMMs + 2 * loraModules, "unmerged: A and B per LoRA layer")
        let unmergedTime = try seconds { _ = try logits(model, batch) }
        try model.merge()
        XCTAssertEqual(try allTrainableGEMMs(), baseGEMMs, "merged: the base model's GEMMs")
        let mergedTime = try seconds { _ = try logits(model, batch) }
        print(String(format: "forward of 3×%d tokens, median of 5: base %.2f ms, LoRA unmerged %.2f ms, merged %.2f ms",
                     batch.inputIds.shape[1], baseTime * 1e3, unmergedTime * 1e3, mergedTime * 1e3))
    }
}
