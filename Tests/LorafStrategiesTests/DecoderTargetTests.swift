import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Target selection and strategy coverage on Llama-family decoders (issue 11): target_modules = "all-linear" on
/// Float32 and GGUF-quantized linears, negative layers_to_transform, BitFit (Qwen2's q/k/v biases; a refusal on
/// Llama) and bottleneck adapters on the Llama block. The tiny decoders are Tests/Fixtures/tiny_decoders.
final class DecoderTargetTests: XCTestCase {
    private func tiny(_ family: String) throws -> AdaptedModel {
        let model = AdaptedModel(try ModelLoader.load(fixturesDirectory.appendingPathComponent("tiny_decoders/\(family)"), task: .causalLM))
        model.base.eval()
        return model
    }

    /// Two rows of token ids of the tiny decoders (vocabulary 96), the second one padded.
    private func batch() throws -> ModelInput {
        try ModelInput(inputIds: IntTensor(shape: [2, 6], scalars: [5, 17, 42, 8, 91, 3, 11, 60, 2, 33, 0, 0]),
                       attentionMask: IntTensor(shape: [2, 6], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]))
    }

    /// The seven projections of each Llama block, as Hugging Face names them.
    private let projections = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]

    private func targets(_ adapter: Adapter) -> [String] { (adapter as? LoRAAdapter)?.targets ?? [] }

    // MARK: all-linear

    func testAllLinearIsEveryProjectionButTheLMHead() throws {
        let model = try tiny("llama")
        let adapter = try adapt(model, "lora", ["target_modules": .string("all-linear")])
        XCTAssertEqual(targets(adapter), (0..<2).flatMap { layer in projections.map { "model.layers.\(layer).\($0)" } })
        XCTAssertFalse(model.base.module(at: "lm_head") is LoRALinear, "lm_head is the head and stays out")
        let saved = try adapter.stateForSaving(in: model).config["target_modules"]
        XCTAssertEqual(saved, .list(targets(adapter).map(OptionValue.string)), "the config saves the expanded list, as PEFT does")
    }

    func testAllLinearListsLayersAnotherAdapterWrapsByTheirWrapper() throws {
        let model = try tiny("llama")
        try adapt(model, "lora", name: "first", ["target_modules": .list([.string("q_proj")])])
        let second = try adapt(model, "lora", name: "second", ["target_modules": .string("all-linear")])
        XCTAssertEqual(targets(second).count, 14)
        XCTAssertTrue(targets(second).allSatisfy { !$0.contains("base_layer") && !$0.contains("lora_") }, "\(targets(second))")
    }

    func testAllLinearOnTheQuantizedSmolLM2WrapsItsQuantizedLinears() throws {
        let model = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        let adapter = try adapt(model, "lora", ["target_modules": .string("all-linear"), "layers_to_transform": .list([.int(-1)])])
        XCTAssertEqual(targets(adapter), projections.map { "model.layers.29.\($0)" }, "the last of 30 layers")
        for path in targets(adapter) { XCTAssertTrue(model.base.module(at: path + ".base_layer") is QuantizedLinear, path) }
        XCTAssertEqual(try adapter.stateForSaving(in: model).config["layers_to_transform"], .list([.int(29)]))
    }

    func testAllLinearOnBERTLeavesTheClassifierToModulesToSave() throws {
        let model = try tinyClassifier() // 1 layer: query, key, value, attention.output.dense, intermediate, output, pooler
        let adapter = try adapt(model, "lora", ["target_modules": .string("all-linear")])
        XCTAssertEqual(targets(adapter).count, 7)
        XCTAssertFalse(targets(adapter).contains("classifier"))
        XCTAssertTrue(model.base.module(at: "classifier") is ModulesToSaveWrapper)
    }

    // MARK: layers_to_transform from the end

    func testNegativeLayerIndicesCountFromTheEnd() throws {
        let model = try tiny("llama")
        let adapter = try adapt(model, "lora", ["layers_to_transform": .list([.int(-1)])])
        XCTAssertEqual(targets(adapter), ["model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"])
        let message = errorMessage { try adapt(model, "lora", name: "far", ["layers_to_transform": .list([.int(-3)])]) }
        XCTAssertEqual(message, "model:adapt: layers_to_transform has layer -3, which does not exist (layers are numbered 0...1; -1 is the last)")
        let beyond = errorMessage { try adapt(model, "lora", name: "beyond", ["layers_to_transform": .int(2)]) }
        XCTAssertEqual(beyond, "model:adapt: layers_to_transform has layer 2, which does not exist (layers are numbered 0...1; -1 is the last)")
    }

    // MARK: BitFit

    func testBitFitRefusesALlamaWithoutBiases() throws {
        let model = try tiny("llama")
        let message = errorMessage { try adapt(model, "bitfit") }
        XCTAssertEqual(message, "model:adapt: BitFit trains bias terms, and this llama model has none outside its head (its linear and norm layers have no bias)")
        XCTAssertEqual(model.adapterNames, [])
    }

    func testBitFitTrainsQwen2sProjectionBiasesOnlyAndRoundTrips() throws {
        let model = try tiny("qwen2")
        try adapt(model, "bitfit")
        let trained = model.trainableParameters.map(\.path)
        XCTAssertEqual(trained, (0..<2).flatMap { layer in ["q_proj", "k_proj", "v_proj"].map { "model.layers.\(layer).self_attn.\($0).bitfit.default.bias" } })
        try assertAStepChangesOnlyTheAdapter(model)
        try assertSaveLoadRoundTrip(model, family: "qwen2")
    }

    // MARK: Bottleneck adapters

    func testHoulsbyAdaptersSitAfterAttentionAndMLPOfEachBlock() throws {
        let model = try tiny("llama")
        let before = try logits(model, batch())
        let adapter = try adapt(model, "adapter", ["reduction_factor": .int(4)])
        XCTAssertEqual((adapter as? BottleneckAdapter)?.targets,
                       ["model.layers.0.self_attn.o_proj", "model.layers.0.mlp.down_proj", "model.layers.1.self_attn.o_proj", "model.layers.1.mlp.down_proj"])
        XCTAssertEqual(try logits(model, batch()), before, "a fresh adapter (up-projection zero) leaves the model unchanged")
        try assertAStepChangesOnlyTheAdapter(model)
        try assertSaveLoadRoundTrip(model, family: "llama")
    }

    func testPfeifferOnTheLastLayerOfTheQuantizedSmolLM2() throws {
        let model = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        let adapter = try adapt(model, "adapter", ["variant": .string("pfeiffer"), "layers_to_transform": .int(-1)])
        XCTAssertEqual((adapter as? BottleneckAdapter)?.targets, ["model.layers.29.mlp.down_proj"])
        XCTAssertTrue(model.base.module(at: "model.layers.29.mlp.down_proj.base_layer") is QuantizedLinear)
        let down = model.trainableParameters.first { $0.path.hasSuffix("adapter_down.default.weight") }
        XCTAssertEqual(down?.tensor.shape, [36, 576], "576 / 16 bottleneck units")
    }

    // MARK: Helpers

    /// One SGD step on the sum of the logits: every frozen tensor stays bit for bit, some adapter tensor moves.
    private func assertAStepChangesOnlyTheAdapter(_ model: AdaptedModel, file: StaticString = #filePath, line: UInt = #line) throws {
        let trainable = Set(model.trainableParameters.map { ObjectIdentifier($0.tensor) })
        let before = model.allParameters.map { ($0.path, $0.tensor, $0.tensor.scalars) }
        model.base.train()
        try XCTUnwrap(model.forward(batch(), model.makeContext()).logits).sum().backward()
        model.base.eval()
        try GradMode.disabled {
            for (_, tensor) in model.trainableParameters {
                if let grad = tensor.grad { try tensor.assign(tensor - grad * 0.1) }
                tensor.zeroGrad()
            }
        }
        var moved = 0
        for (path, tensor, old) in before {
            if trainable.contains(ObjectIdentifier(tensor)) {
                if tensor.scalars != old { moved += 1 }
            } else {
                XCTAssertEqual(tensor.scalars, old, "frozen \(path) changed", file: file, line: line)
            }
        }
        XCTAssertGreaterThan(moved, 0, "the step moved no adapter tensor", file: file, line: line)
    }

    /// Saves the active adapter (perturbed so that it matters) and loads it into a fresh copy: the same logits.
    private func assertSaveLoadRoundTrip(_ model: AdaptedModel, family: String, file: StaticString = #filePath, line: UInt = #line) throws {
        perturbTrainable(model, seed: 5)
        let expected = try logits(model, batch())
        let directory = scratchURL("loraf-decoder-adapter")
        try AdapterFiles.save(model, adapter: "default", to: directory, baseModelName: nil)
        let fresh = try tiny(family)
        XCTAssertNotEqual(try logits(fresh, batch()), expected, "the adapter changes the output", file: file, line: line)
        try AdapterFiles.load(into: fresh, from: directory, name: "default")
        XCTAssertEqual(try logits(fresh, batch()), expected, file: file, line: line)
    }
}
