import XCTest
import LorafTestSupport
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Gradient checkpointing per block (`model.gradientCheckpointing`): LoRA on a tiny Llama and on all-MiniLM-L6-v2
/// gets the very same loss and gradients (bit for bit) with and without it, with dropout off and on (the
/// recomputation replays the masks); the flag off, or grad mode off, runs each block once.
final class GradientCheckpointingTests: XCTestCase {
    /// A two-layer Llama (hidden 32, 4 heads, 2 key/value heads) with LoRA r = 4 on every linear layer, adapter
    /// weights perturbed so that every one gets a gradient; `dropout` for both attention and LoRA.
    private func tinyLlama(dropout: Float) throws -> AdaptedModel {
        var config = LlamaConfig(vocabSize: 64, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2, numAttentionHeads: 4,
                                 numKeyValueHeads: 2, headDim: 8)
        config.attentionDropout = dropout
        let model = AdaptedModel(try LlamaForCausalLM(config, seed: 11))
        try adapt(model, "lora", ["r": .int(4), "lora_alpha": .int(8), "lora_dropout": .double(Double(dropout)),
                                  "target_modules": .string("all-linear")])
        perturbTrainable(model, seed: 3)
        return model
    }

    private func llamaBatch() throws -> ModelInput {
        try ModelInput(inputIds: IntTensor(shape: [2, 6], scalars: [5, 17, 3, 60, 22, 9, 1, 2, 40, 33, 0, 0]),
                       attentionMask: IntTensor(shape: [2, 6], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]))
    }

    private func miniLM() throws -> AdaptedModel {
        let model = try miniLMClassifier()
        try adapt(model, "lora", ["r": .int(8), "lora_alpha": .int(16), "lora_dropout": .double(0.1),
                                  "target_modules": .list([.string("query"), .string("value"), .string("dense")])])
        perturbTrainable(model, seed: 4)
        return model
    }

    /// Loss (a fixed weighted sum of the logits), every trainable gradient and the dropout generator's state after
    /// one forward and backward pass.
    private func pass(_ model: AdaptedModel, _ input: ModelInput, checkpointing: Bool, training: Bool) throws
        -> (loss: Float, grads: [String: [Float]], rng: [UInt64]) {
        model.base.gradientCheckpointing = checkpointing
        training ? model.base.train() : model.base.eval()
        for (_, tensor) in model.trainableParameters { tensor.zeroGrad() }
        let context = ForwardContext(training: training, rng: RandomGenerator(seed: 21))
        let logits = try XCTUnwrap(model.forward(input, context).logits)
        var rng = RandomGenerator(seed: 8)
        let weights = try Tensor(shape: logits.shape, scalars: (0..<logits.count).map { _ in rng.nextNormal() })
        let loss = try (logits * weights).sum()
        try loss.backward()
        var grads: [String: [Float]] = [:]
        for (path, tensor) in model.trainableParameters { grads[path] = try XCTUnwrap(tensor.grad, path).scalars }
        return (try loss.item(), grads, context.rng.state)
    }

    /// Checkpointing on and off give equal loss, gradients and generator state; dropout must change the result.
    private func assertSameGradients(_ model: AdaptedModel, _ input: ModelInput, file: StaticString = #filePath, line: UInt = #line) throws {
        for training in [false, true] {
            let plain = try pass(model, input, checkpointing: false, training: training)
            let checkpointed = try pass(model, input, checkpointing: true, training: training)
            XCTAssertEqual(checkpointed.loss, plain.loss, "training \(training)", file: file, line: line)
            XCTAssertEqual(checkpointed.rng, plain.rng, "training \(training)", file: file, line: line)
            XCTAssertEqual(Set(checkpointed.grads.keys), Set(plain.grads.keys), file: file, line: line)
            for (path, grad) in plain.grads {
                XCTAssert(grad.contains { $0 != 0 }, "\(path) got no gradient", file: file, line: line)
                XCTAssertEqual(checkpointed.grads[path], grad, "\(path), training \(training)", file: file, line: line)
            }
        }
        let evaluated = try pass(model, input, checkpointing: true, training: false)
        let dropped = try pass(model, input, checkpointing: true, training: true)
        XCTAssertNotEqual(evaluated.loss, dropped.loss, "dropout must be active in training mode", file: file, line: line)
        model.base.gradientCheckpointing = false
    }

    func testTinyLlamaLoRAGradientsAreBitwiseEqual() throws {
        let model = try tinyLlama(dropout: 0.2)
        XCTAssertEqual(model.trainableParameters.count, 2 * 7 * 2)
        try assertSameGradients(model, try llamaBatch())
    }

    func testMiniLMLoRAGradientsAreBitwiseEqual() throws {
        try assertSameGradients(try miniLM(), try miniLMBatch())
    }

    /// How often layers.0.mlp runs: once per forward pass, once more in backward when checkpointed, never again
    /// with the flag off or when no gradient is recorded.
    func testBlocksRerunOnlyWhenCheckpointingRecords() throws {
        let model = try tinyLlama(dropout: 0)
        var calls = 0
        try XCTUnwrap(model.base.module(at: "model.layers.0.mlp")).forwardHooks = [ForwardHook(id: 1) { calls += 1; return $0 }]
        XCTAssertFalse(model.base.gradientCheckpointing)
        let input = try llamaBatch()
        for (flag, expected) in [(true, 2), (false, 1)] {
            calls = 0
            _ = try pass(model, input, checkpointing: flag, training: true)
            XCTAssertEqual(calls, expected, "checkpointing \(flag)")
        }
        model.base.gradientCheckpointing = true
        XCTAssertTrue(model.base.gradientCheckpointing)
        calls = 0
        let withoutGrad = try GradMode.disabled { try XCTUnwrap(model.forward(input, model.makeContext()).logits) }
        XCTAssertEqual(calls, 1)
        XCTAssertFalse(withoutGrad.requiresGrad)
        model.base.gradientCheckpointing = false
        let plain = try GradMode.disabled { try XCTUnwrap(model.forward(input, model.makeContext()).logits) }
        XCTAssertEqual(withoutGrad.scalars, plain.scalars)
    }
}
