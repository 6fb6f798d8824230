import XCTest
import Foundation
import LorafTestSupport
import LorafKernels
import LorafModels
import LorafStrategies
import LorafTemplates
import LorafTensor
@testable import LorafGeneration

/// Decoding SmolLM2-135M-Instruct (Q4_1 layers, Q8_0 tied head) with int8 activations
/// (`GenerationOptions.integerActivations`): the fixture's greedy answer survives, the logits move by a measured
/// amount, and only decode steps of an evaluation pass ever take the int8 path.
final class Int8DecodeTests: XCTestCase {
    let question = [ChatMessage(role: "user", content: "What is the capital of France?")]

    func languageModel(needsVNNI: Bool = true) throws -> LanguageModel {
        if needsVNNI {
            try XCTSkipUnless(CPU.hasVNNI, "this CPU has no AVX-512 VNNI (or LORAF_ISA is below avx512): no int8 kernels")
        }
        if let lm = SmolLM2ParityTests.loaded { return lm }
        let lm = try LanguageModel.load(smolLM2GGUF())
        SmolLM2ParityTests.loaded = lm
        return lm
    }

    func testGreedyAnswerWithInt8Activations() throws {
        let lm = try languageModel()
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: fixturesDirectory
            .appendingPathComponent("smollm2/greedy.json"))) as! [String: Any]
        let answer = try lm.chat(question, options: GenerationOptions(maxNewTokens: 20, integerActivations: true))
        XCTAssertEqual(answer.tokenIds, reference["greedy_ids"] as? [Int])
        XCTAssertEqual(answer.text, "The capital of France is Paris.")
    }

    /// Teacher-forced on the fixture's greedy ids: the logits of every decode step with Float32 and with int8
    /// activations. Prints the largest difference (not asserted: it is a measurement); asserts the same argmax at
    /// every step and that the int8 path really ran (some difference).
    func testDecodeLogitDifference() throws {
        let lm = try languageModel()
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: fixturesDirectory
            .appendingPathComponent("smollm2/greedy.json"))) as! [String: Any]
        let greedy = try XCTUnwrap(reference["greedy_ids"] as? [Int])
        let prompt = try lm.encode(lm.applyChatTemplate(question), chat: true)
        let float = try decodeLogits(lm, prompt: prompt, forced: greedy, int8: false)
        let int8 = try decodeLogits(lm, prompt: prompt, forced: greedy, int8: true)
        var largest: Float = 0, scale: Float = 0
        for (step, (a, b)) in zip(float, int8).enumerated() {
            largest = max(largest, maxAbsDifference(a, b))
            scale = max(scale, a.map(abs).max()!)
            XCTAssertEqual(a.firstIndex(of: a.max()!), b.firstIndex(of: b.max()!), "argmax at decode step \(step)")
        }
        print("int8 activations: max |logit difference| over \(float.count) decode steps of the fixture chat: \(largest) (largest |logit| \(scale))")
        XCTAssertGreaterThan(largest, 0, "the decode steps should have taken the int8 path")
    }

    /// Prefill contexts, training contexts and the default never take int8 activations.
    func testPrefillAndTrainingStayFloat() throws {
        let lm = try languageModel(needsVNNI: false)
        let on = GenerationOptions(integerActivations: true)
        XCTAssertFalse(lm.generator.stepContext(decoding: false, options: on).integerActivations, "prefill")
        XCTAssertTrue(lm.generator.stepContext(decoding: true, options: on).integerActivations, "decode step")
        XCTAssertFalse(lm.generator.stepContext(decoding: true, options: GenerationOptions()).integerActivations)
        XCTAssertFalse(lm.model.makeContext().integerActivations, "ForwardContext default")
        try XCTSkipUnless(CPU.hasVNNI, "no int8 kernels (no AVX-512 VNNI, or LORAF_ISA below avx512): the layer check below needs them")

        let layer = try XCTUnwrap(lm.model.base.module(at: "model.layers.0.self_attn.q_proj") as? QuantizedLinear)
        let x = randomTensor([1, 576], seed: 3, grad: false)
        let float = try layer.forward(x, ForwardContext(training: false)).scalars
        let evaluating = ForwardContext(training: false), training = ForwardContext(training: true)
        evaluating.integerActivations = true
        training.integerActivations = true
        XCTAssertNotEqual(try layer.forward(x, evaluating).scalars, float, "int8 in an evaluation pass")
        XCTAssertEqual(try layer.forward(x, training).scalars, float, "a training pass ignores integerActivations")
    }

    /// The last-position logits of the prefill of `prompt` and of one decode step per id of `forced` but the last,
    /// with the key/value cache; the decode steps with int8 activations when `int8`. Returns the decode steps' logits.
    func decodeLogits(_ lm: LanguageModel, prompt: [Int], forced: [Int], int8: Bool) throws -> [[Float]] {
        let cache = KeyValueCache()
        var steps: [[Float]] = []
        try lm.model.evaluating {
            for (pass, ids) in ([prompt] + forced.dropLast().map { [$0] }).enumerated() {
                var input = try ModelInput(inputIds: IntTensor(shape: [1, ids.count], scalars: ids),
                                           attentionMask: IntTensor(shape: [1, ids.count], scalars: ids.map { _ in 1 }),
                                           cache: cache)
                input.logitsToKeep = 1
                let context = lm.model.makeContext()
                context.integerActivations = int8 && pass > 0
                let logits = try XCTUnwrap(lm.model.forward(input, context).logits).scalars
                if pass > 0 { steps.append(logits) }
            }
        }
        return steps
    }
}
