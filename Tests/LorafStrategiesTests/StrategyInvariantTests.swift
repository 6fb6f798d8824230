import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// For every strategy on all-MiniLM-L6-v2 (classification, 2 labels): a fresh adapter leaves the output unchanged,
/// exactly the strategy's parameters train, and save → load into a fresh model reproduces the outputs.
final class StrategyInvariantTests: XCTestCase {
    /// Each case: strategy, options, and the number of the adapter's own trainable scalars from the model's sizes.
    private func cases(_ config: BertConfig) -> [(strategy: String, options: [String: OptionValue], ownParameters: Int, suffixes: [String])] {
        let h = config.hiddenSize, layers = config.numHiddenLayers, bottleneck = h / 16
        let adapterPair = 2 * h * bottleneck + bottleneck + h  // down [m, h] + m, up [h, m] + h
        return [
            ("lora", ["init_lora_weights": .bool(false)], layers * 2 * (2 * 8 * h), [".lora_A.default.weight", ".lora_B.default.weight"]),
            // q, k, v, attention output, intermediate, output, 2 LayerNorm β per layer; embeddings LayerNorm and pooler.
            ("bitfit", [:], layers * (7 * h + config.intermediateSize) + 2 * h, [".bitfit.default.bias"]),
            ("adapter", ["variant": .string("houlsby")], layers * 2 * adapterPair, [".adapter_down.default.weight", ".adapter_down.default.bias", ".adapter_up.default.weight", ".adapter_up.default.bias"]),
            ("adapter", ["variant": .string("pfeiffer")], layers * adapterPair, [".adapter_down.default.weight", ".adapter_down.default.bias", ".adapter_up.default.weight", ".adapter_up.default.bias"]),
        ]
    }

    func testEveryStrategyStartsAtTheBaseModelTrainsItsOwnParametersAndReloads() throws {
        let probe = try miniLMClassifier()
        let config = try XCTUnwrap(probe.base as? BertForSequenceClassification).config
        let batch = try miniLMBatch()
        let baseLogits = try logits(probe, batch)
        let headParameters = config.hiddenSize * 2 + 2
        for c in cases(config) {
            let label = "\(c.strategy) \(c.options)"
            let model = try miniLMClassifier()
            let before = model.allParameters.reduce(0) { $0 + $1.tensor.count }
            try adapt(model, c.strategy, c.options)
            print("\(label):\n\(model.summary())")
            let fresh = try logits(model, batch)
            if c.strategy == "lora" {
                // init_lora_weights = false draws B ≠ 0 on purpose; the default init must be exact.
                let standard = try miniLMClassifier()
                try adapt(standard, "lora")
                XCTAssertEqual(try logits(standard, batch), baseLogits, "lora (default init)")
            } else {
                XCTAssertEqual(fresh, baseLogits, label)
            }

            // Trainable: the adapter's own tensors plus the classifier copy; nothing else requires a gradient.
            let trainable = model.trainableParameters
            let own = trainable.filter { !$0.path.hasPrefix("classifier.modules_to_save.default.") }
            XCTAssertEqual(own.reduce(0) { $0 + $1.tensor.count }, c.ownParameters, label)
            XCTAssertEqual(trainable.count - own.count, 2, label)
            XCTAssertEqual(trainable.reduce(0) { $0 + $1.tensor.count }, c.ownParameters + headParameters, label)
            for (path, _) in own { XCTAssertTrue(c.suffixes.contains { path.hasSuffix($0) }, "\(label): \(path)") }
            let requiring = model.allParameters.filter(\.tensor.requiresGrad).map(\.path)
            XCTAssertEqual(Set(requiring), Set(trainable.map(\.path)), label)
            XCTAssertEqual(model.allParameters.reduce(0) { $0 + $1.tensor.count }, before + c.ownParameters + headParameters, label)

            // Save → load into a fresh model → the same outputs (after training-like changes, so they differ from base).
            perturbTrainable(model, seed: 5)
            let trained = try logits(model, batch)
            XCTAssertGreaterThan(maxAbsDifference(trained, baseLogits), 1e-4, label)
            let folder = scratchURL("loraf-strategies")
            try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: nil)
            let again = try miniLMClassifier()
            try AdapterFiles.load(into: again, from: folder, name: "default")
            XCTAssertEqual(try logits(again, batch), trained, label)
        }
    }

    func testSavedConfigsAndKeys() throws {
        let model = try tinyClassifier()
        try adapt(model, "bitfit", name: "bit")
        try adapt(model, "adapter", name: "bn", ["variant": .string("pfeiffer"), "reduction_factor": .int(2)])
        for (name, peftType) in [("bit", "BITFIT"), ("bn", "BOTTLENECK")] {
            let folder = scratchURL("loraf-strategies")
            try AdapterFiles.save(model, adapter: name, to: folder, baseModelName: nil)
            let config = try AdapterFiles.readConfig(folder)
            XCTAssertEqual(config["peft_type"], .string(peftType))
            XCTAssertEqual(config["modules_to_save"], .list([.string("classifier")]))
            let keys = try SafeTensorsFileKeys(folder)
            XCTAssertTrue(keys.allSatisfy { $0.hasPrefix("base_model.model.") && !$0.contains(".\(name).") && !$0.contains("base_layer") }, "\(keys)")
            if name == "bn" {
                XCTAssertEqual(config["variant"], .string("pfeiffer"))
                XCTAssertEqual(config["reduction_factor"], .int(2))
                XCTAssertEqual(config["non_linearity"], .string("relu"))
                XCTAssertTrue(keys.contains("base_model.model.bert.encoder.layer.0.output.dense.adapter_down.weight"))
                XCTAssertFalse(keys.contains { $0.contains("attention") })
            } else {
                // BitFit wraps output.dense too (under the bottleneck layer): its key has no wrapper segment.
                XCTAssertTrue(keys.contains("base_model.model.bert.encoder.layer.0.output.dense.bias"))
                XCTAssertTrue(keys.contains("base_model.model.bert.embeddings.LayerNorm.bias"))
            }
        }
    }
}

/// Tensor names in `folder`/adapter_model.safetensors.
func SafeTensorsFileKeys(_ folder: URL) throws -> [String] {
    try LorafFormats.SafeTensorsFile(contentsOf: folder.appendingPathComponent(AdapterFiles.weightsFile)).entries.map(\.name)
}
