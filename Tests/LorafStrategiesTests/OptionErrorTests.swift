import XCTest
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Option validation and LoRA's per-module scaling.
final class OptionErrorTests: XCTestCase {
    func testBadOptionValuesAndNames() throws {
        let model = try tinyClassifier()
        XCTAssertEqual(errorMessage { try adapt(model, "lora", ["r": .string("8x")]) }, "model:adapt: 'r' must be an integer in [1, 65536], got string \"8x\"")
        XCTAssertEqual(errorMessage { try adapt(model, "lora", ["lora_aplha": .int(16)]) }, "model:adapt: unknown option 'lora_aplha'")
        XCTAssertEqual(errorMessage { try adapt(model, "bitfit", ["r": .int(8)]) }, "model:adapt: unknown option 'r'")
        XCTAssertEqual(errorMessage { try adapt(model, "adapter", ["variant": .string("lora")]) },
                       "model:adapt: 'variant' must be one of \"houlsby\", \"pfeiffer\", got string \"lora\"")
        XCTAssertTrue(errorMessage { try adapt(model, "adapter", ["non_linearity": .string("tanh")]) }.contains("'non_linearity' must be one of"))
        XCTAssertEqual(errorMessage { try adapt(model, "adapter", ["reduction_factor": .int(0)]) },
                       "model:adapt: 'reduction_factor' must be a positive integer, got number 0")
        XCTAssertEqual(errorMessage { try adapt(model, "adapter", ["reduction_factor": .int(8)]) },
                       "model:adapt: 'reduction_factor' 8 leaves no bottleneck unit for a layer of width 4")
        let unknown = errorMessage { try adapt(model, "prefix") }  // plugin strategies may be registered too
        XCTAssertTrue(unknown.contains("unknown strategy 'prefix' (known: "), unknown)
        for known in ["adapter", "bitfit", "lora"] { XCTAssertTrue(unknown.contains(known), unknown) }
        // Nothing was left behind by the failed attempts.
        XCTAssertTrue(model.adapterNames.isEmpty)
        XCTAssertFalse(model.base.namedModules().contains { $0.module is LoRALinear || $0.module is BottleneckAdapterLayer || $0.module is BitFitBiasLayer })
    }

    func testTargetsMatchingNothingListExistingPaths() throws {
        let model = try tinyClassifier()
        let message = errorMessage { try adapt(model, "lora", ["target_modules": .list([.string("q_proj")])]) }
        XCTAssertTrue(message.contains("matched no module; modules that exist include: "), message)
        XCTAssertTrue(message.contains("bert.encoder.layer.0.attention.self.query"), message)
        let layers = errorMessage { try adapt(model, "adapter", ["layers_to_transform": .list([.int(3)])]) }
        XCTAssertTrue(layers.contains("layers_to_transform has layer 3, which does not exist (layers are numbered 0...0; -1 is the last)"), layers)
    }

    func testBottleneckLayersToTransformAndVariants() throws {
        let config = BertConfig(vocabSize: 10, hiddenSize: 4, numHiddenLayers: 3, numAttentionHeads: 2, intermediateSize: 8)
        let model = AdaptedModel(try BertForSequenceClassification(config, numLabels: 2))
        try adapt(model, "adapter", name: "h", ["reduction_factor": .int(2), "layers_to_transform": .list([.int(0), .int(2)])])
        try adapt(model, "adapter", name: "p", ["variant": .string("pfeiffer"), "reduction_factor": .int(4)])
        let wrapped = model.base.namedModules().filter { $0.module is BottleneckAdapterLayer }
        XCTAssertEqual(wrapped.map(\.path), ["bert.encoder.layer.0.attention.output.dense", "bert.encoder.layer.0.output.dense",
                                             "bert.encoder.layer.1.output.dense",
                                             "bert.encoder.layer.2.attention.output.dense", "bert.encoder.layer.2.output.dense"])
        let layer = try XCTUnwrap(model.base.module(at: "bert.encoder.layer.1.output.dense") as? BottleneckAdapterLayer)
        XCTAssertEqual(layer.adapterNames, ["p"])
        XCTAssertEqual(layer.projection("p", down: true)?.outFeatures, 1)
        XCTAssertEqual(layer.summaryLine, "p: bottleneck=1, act=relu")
        let houlsby = try XCTUnwrap(model.base.module(at: "bert.encoder.layer.0.output.dense") as? BottleneckAdapterLayer)
        XCTAssertEqual(houlsby.summaryLine, "h: bottleneck=2, act=silu; p: bottleneck=1, act=relu")
    }

    func testRankAlphaPatternsAndRSLoRAScaleAsPEFT() throws {
        let patterns: [String: OptionValue] = ["r": .int(8), "lora_alpha": .int(16), "target_modules": .list([.string("query"), .string("value"), .string("key")]),
                                               "rank_pattern": .table(["query": .int(4)]), "alpha_pattern": .table(["value": .int(32)])]
        for rslora in [false, true] {
            let model = try tinyClassifier()
            var values = patterns
            values["use_rslora"] = .bool(rslora)
            try adapt(model, "lora", values)
            func layer(_ name: String) throws -> LoRALinear {
                try XCTUnwrap(model.base.module(at: "bert.encoder.layer.0.attention.self.\(name)") as? LoRALinear)
            }
            // s = alpha / r, or alpha / √r with use_rslora; r and alpha per module from the patterns.
            let query = try layer("query"), value = try layer("value"), key = try layer("key")
            XCTAssertEqual(query.scaling["default"], rslora ? 16 / 2 : 16 / 4, "query: r 4, alpha 16")
            XCTAssertEqual(Double(value.scaling["default"] ?? 0), rslora ? 32 / 8.0.squareRoot() : 32 / 8, accuracy: 1e-6, "value: r 8, alpha 32")
            XCTAssertEqual(Double(key.scaling["default"] ?? 0), rslora ? 16 / 8.0.squareRoot() : 2, accuracy: 1e-6, "key: r 8, alpha 16")
            XCTAssertEqual((query.loraA.childIfPresent("default") as? Linear)?.outFeatures, 4)
            XCTAssertEqual((value.loraA.childIfPresent("default") as? Linear)?.outFeatures, 8)
        }
    }
}
