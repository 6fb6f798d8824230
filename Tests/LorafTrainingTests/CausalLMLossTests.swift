import XCTest
import Foundation
import LorafTensor
import LorafTestSupport
import LorafFormats
import LorafModels
import LorafStrategies
@testable import LorafTraining

final class CausalLMLossTests: XCTestCase {
    func testShiftedSumMatchesAHandComputation() throws {
        // One row of 3 tokens over a vocabulary of 2: position 0 predicts label[1] = 1, position 1 predicts
        // label[2] = 0, position 2 predicts nothing.
        let logits = try Tensor(shape: [1, 3, 2], scalars: [0.5, 1.5, 2, -1, 7, 7])
        let labels = try IntTensor(shape: [1, 3], scalars: [-100, 1, 0])
        let loss = try CausalLMLoss(logits: logits, labels: labels)
        let expected = -((1.5 - log(exp(0.5) + exp(1.5))) + (2 - log(exp(2) + exp(-1))))
        XCTAssertEqual(loss.labelledTokens, 2)
        XCTAssertEqual(Double(try loss.sum.item()), expected, accuracy: 1e-5)
        XCTAssertEqual(Double(try loss.mean.item()), expected / 2, accuracy: 1e-5)
    }

    func testAgreesWithLogSoftmaxOnRandomLogits() throws {
        var rng = RandomGenerator(seed: 3)
        let (b, s, v) = (2, 5, 7)
        let logits = try Tensor(shape: [b, s, v], scalars: (0..<(b * s * v)).map { _ in rng.nextUniform() * 6 - 3 })
        let labelValues = [-100, 3, 6, -100, 0, /* row 2 */ 1, 2, -100, -100, -100]
        let loss = try CausalLMLoss(logits: logits, labels: IntTensor(shape: [b, s], scalars: labelValues))
        let logProbs = try logits.reshaped([b * s, v]).logSoftmax().scalars
        var expected = 0.0, count = 0
        for row in 0..<b {
            for t in 0..<(s - 1) where labelValues[row * s + t + 1] != -100 {
                expected -= Double(logProbs[(row * s + t) * v + labelValues[row * s + t + 1]])
                count += 1
            }
        }
        XCTAssertEqual(loss.labelledTokens, count)
        XCTAssertEqual(count, 4, "row 2's label at position 0 is never predicted")
        XCTAssertEqual(Double(try loss.sum.item()), expected, accuracy: 1e-4)
    }

    func testGradientMatchesFiniteDifferences() throws {
        var rng = RandomGenerator(seed: 5)
        let logits = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map { _ in rng.nextUniform() * 2 - 1 }).requiringGrad()
        let labels = try IntTensor(shape: [2, 3], scalars: [0, 1, 2, -100, 3, -100])
        let report = try GradientCheck.run([logits]) { try CausalLMLoss(logits: $0[0], labels: labels).sum }
        XCTAssertLessThan(report.worstRelativeError, 1e-2, "\(report)")
    }

    func testShapeAndLabelErrors() throws {
        let logits = Tensor(zeros: [1, 3, 2])
        XCTAssertThrowsError(try CausalLMLoss(logits: logits, labels: IntTensor(shape: [1, 2], scalars: [0, 1])))
        XCTAssertThrowsError(try CausalLMLoss(logits: logits, labels: IntTensor(shape: [1, 3], scalars: [0, 5, 1])))
        let nothing = try CausalLMLoss(logits: logits, labels: IntTensor(shape: [1, 3], scalars: [0, -100, -100]))
        XCTAssertEqual(nothing.labelledTokens, 0)
        XCTAssertEqual(try nothing.mean.item(), 0)
    }
}

/// The loss of the PEFT fixture batch (SmolLM2 Q4_1 with the fixture's LoRA adapter; Tests/Fixtures/smollm2/README.md).
final class CausalLMLossFixtureTests: XCTestCase {
    let fixtures = fixturesDirectory.appendingPathComponent("smollm2")

    /// The model with the fixture's LoRA attached by hand (r 8, alpha 16, q_proj and v_proj) and its weights copied
    /// in by PEFT key: `AdapterFiles.load` does not take this causal-LM adapter yet (it tries to copy lm_head as a
    /// module to save).
    func modelWithFixtureAdapter() throws -> AdaptedModel {
        let model = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        let options = Options(["r": .int(8), "lora_alpha": .int(16), "target_modules": .list([.string("q_proj"), .string("v_proj")]),
                               "modules_to_save": .list([])], context: "test")
        let adapter = try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "lora"), name: "default", options: options)
        let file = try SafeTensorsFile(contentsOf: fixtures.appendingPathComponent("peft_lora_causal/adapter_model.safetensors"))
        let tensors = try adapter.stateForSaving(in: model).tensors
        XCTAssertEqual(tensors.count, 120)
        for (key, tensor) in tensors {
            let saved = try file.tensor("base_model.model." + key)
            XCTAssertEqual(saved.shape, tensor.shape, key)
            for (i, value) in saved.scalars.enumerated() { tensor.data[i] = value }
        }
        return model
    }

    func testLossOfThePEFTBatchMatchesTransformers() throws {
        let model = try modelWithFixtureAdapter()
        let batch = try SafeTensorsFile(contentsOf: fixtures.appendingPathComponent("peft_lora_causal_batch.safetensors"))
        let input = try ModelInput(inputIds: batch.intTensor("input_ids"), attentionMask: try batch.intTensor("attention_mask"))
        let logits = try XCTUnwrap(GradMode.disabled { try model.forward(input, model.makeContext()) }.logits)
        let loss = try CausalLMLoss(logits: logits, labels: batch.intTensor("labels"))
        XCTAssertEqual(loss.labelledTokens, try batch.intTensor("labels").scalars.filter { $0 != -100 }.count,
                       "only a label at position 0 has nothing to predict it, and the prompt is there")
        XCTAssertEqual(try loss.mean.item(), try batch.tensor("loss").scalars[0], accuracy: 1e-4)
    }
}
