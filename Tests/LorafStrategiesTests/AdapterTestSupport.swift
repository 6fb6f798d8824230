import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// A BERT classifier small enough to reason about: hidden 4, 1 layer, 2 heads, intermediate 8, vocab 10, 2 labels.
func tinyClassifier(seed: UInt64 = 7) throws -> AdaptedModel {
    let config = BertConfig(vocabSize: 10, hiddenSize: 4, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8,
                            maxPositionEmbeddings: 16)
    let model = try BertForSequenceClassification(config, numLabels: 2, seed: seed)
    model.eval()
    return AdaptedModel(model)
}

/// Three short token sequences for the tiny model (the last one padded), optionally with per-row adapters.
func tinyBatch(adapters: [String?]? = nil) throws -> ModelInput {
    try ModelInput(inputIds: IntTensor(shape: [3, 5], scalars: [1, 4, 7, 2, 9, 1, 3, 3, 8, 2, 1, 5, 2, 0, 0]),
                     attentionMask: IntTensor(shape: [3, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]),
                     adapterNames: adapters)
}

/// all-MiniLM-L6-v2 with a 2-label head (seeded), in evaluation mode.
func miniLMClassifier() throws -> AdaptedModel {
    AdaptedModel(try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2), seed: 3))
}

/// The first three sentences of Tests/Fixtures/minilm_hidden.safetensors as token ids.
func miniLMBatch() throws -> ModelInput {
    let file = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("minilm_hidden.safetensors"))
    let ids = try file.intTensor("input_ids"), mask = try file.intTensor("attention_mask")
    let seq = ids.shape[1]
    return try ModelInput(inputIds: IntTensor(shape: [3, seq], scalars: Array(ids.scalars[0..<(3 * seq)])),
                            attentionMask: IntTensor(shape: [3, seq], scalars: Array(mask.scalars[0..<(3 * seq)])))
}

/// Logits of `input` without recording gradients.
func logits(_ model: AdaptedModel, _ input: ModelInput) throws -> [Float] {
    try GradMode.disabled { try XCTUnwrap(model.forward(input, model.makeContext()).logits).scalars }
}

/// Adds seeded noise of size `scale` to every trainable tensor of the active adapter, so it changes the output.
func perturbTrainable(_ model: AdaptedModel, seed: UInt64, scale: Float = 0.05) {
    var rng = RandomGenerator(seed: seed, stream: 99)
    for (_, tensor) in model.trainableParameters {
        for i in 0..<tensor.count { tensor.data[i] += rng.nextNormal() * scale }
    }
}

/// Options for `adapt` from a Swift dictionary literal (as Lua would pass them).
func options(_ values: [String: OptionValue]) -> Options { Options(values, context: "model:adapt") }

/// Adapts `model` with `strategy` (by registry name) and `values`.
@discardableResult
func adapt(_ model: AdaptedModel, _ strategy: String, name: String = "default", _ values: [String: OptionValue] = [:]) throws -> Adapter {
    try model.adapt(strategy: StrategyRegistry.shared.strategy(named: strategy), name: name, options: options(values))
}

/// The message of the error `body` throws (fails the test when it does not throw).
func errorMessage(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        try body()
        XCTFail("expected an error", file: file, line: line)
        return ""
    } catch {
        return "\(error)"
    }
}
