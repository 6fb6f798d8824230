import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// The PEFT-saved causal-LM LoRA adapter of Tests/Fixtures/smollm2/peft_lora_causal on SmolLM2-135M-Instruct from
/// its Q4_1 GGUF (the base stays in its blocks): logits, loss and every gradient against transformers + PEFT on the
/// dequantized fp32 model (README there), and a save that keeps PEFT's keys, shapes and config and reloads bitwise.
final class CausalLMPeftParityTests: XCTestCase {
    let fixtures = fixturesDirectory.appendingPathComponent("smollm2")

    private func loadAdapted() throws -> AdaptedModel {
        let model = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        try AdapterFiles.load(into: model, from: fixtures.appendingPathComponent("peft_lora_causal"), name: "default", trainable: true)
        return model
    }

    private func reference() throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: fixtures.appendingPathComponent("peft_lora_causal_batch.safetensors"))
    }

    private func batch(_ file: SafeTensorsFile) throws -> ModelInput {
        try ModelInput(inputIds: file.intTensor("input_ids"), attentionMask: file.intTensor("attention_mask"))
    }

    /// transformers' causal-LM loss: the logits [B, S, V] at position t predict `labels` [B, S] at t + 1; the mean
    /// of the cross-entropy over the labels that are not -100. (Kept local: LorafTraining owns the trainer's loss.)
    private func causalLMLoss(_ logits: Tensor, labels: IntTensor) throws -> Tensor {
        let (b, s, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let predictions = try logits.slice(axis: 1, 0..<(s - 1)).contiguous().reshaped([b * (s - 1), v])
        var targets: [Int] = []
        for row in 0..<b { targets += labels.scalars[(row * s + 1)..<((row + 1) * s)] }
        return try predictions.crossEntropy(targets: IntTensor(shape: [b * (s - 1)], scalars: targets))
    }

    func testLoadingKeepsTheBaseQuantizedAndAddsNoHeadCopy() throws {
        let model = try loadAdapted()
        XCTAssertEqual(model.trainableParameters.count, 120, "lora_A and lora_B of q_proj and v_proj in 30 layers")
        XCTAssert(model.trainableParameters.allSatisfy { $0.path.contains(".lora_A.default.") || $0.path.contains(".lora_B.default.") })
        let wrapped = try XCTUnwrap(model.base.module(at: "model.layers.0.self_attn.q_proj.base_layer"))
        XCTAssert(wrapped is QuantizedLinear, "LoRA wraps the Q4_1 layer itself")
        XCTAssert(model.base.module(at: "lm_head") is QuantizedLinear, "a causal LM's lm_head is not copied into modules_to_save")
    }

    func testLogitsMatchPEFT() throws {
        let model = try loadAdapted()
        model.base.eval()
        let file = try reference()
        let input = try batch(file)
        let logits = try XCTUnwrap(GradMode.disabled { try model.forward(input, model.makeContext()) }.logits)
        let (b, s, vocab) = (input.batchSize, input.sequenceLength, 49152)
        XCTAssertEqual(logits.shape, [b, s, vocab])
        var last: [Float] = [], first2048: [Float] = []
        for row in 0..<b {
            let position = try XCTUnwrap(input.attentionMask.row(row).lastIndex(of: 1)) - row * s
            last += logits.scalars[((row * s + position) * vocab)..<((row * s + position + 1) * vocab)]
            for p in 0..<s { first2048 += logits.scalars[((row * s + p) * vocab)..<((row * s + p) * vocab + 2048)] }
        }
        XCTAssertLessThan(maxAbsDifference(last, try file.tensor("logits_last").scalars), 2e-3, "logits at each row's last real position")
        // Padding positions are left out: what a padded query sees is an implementation detail of each library.
        let mask = input.attentionMask.scalars
        XCTAssertLessThan(maxAbsDifference(first2048, try file.tensor("logits_first2048").scalars) { mask[$0 / 2048] == 1 }, 2e-3,
                          "logits of ids 0..<2048 at every real position")
    }

    func testLossAndEveryGradientMatchPEFT() throws {
        let model = try loadAdapted()
        model.base.train()  // lora_dropout is 0, as in the reference's train-mode pass
        let file = try reference()
        let input = try batch(file)
        let logits = try XCTUnwrap(model.forward(input, model.makeContext()).logits)
        let loss = try causalLMLoss(logits, labels: file.intTensor("labels"))
        XCTAssertEqual(try loss.item(), try file.tensor("loss").item(), accuracy: 1e-4)
        try loss.backward()
        let trainable = Dictionary(uniqueKeysWithValues: model.trainableParameters.map { ($0.path, $0.tensor) })
        let gradientNames = file.entries.map(\.name).filter { $0.hasPrefix("grad.") }
        XCTAssertEqual(gradientNames.count, 120)
        XCTAssertEqual(gradientNames.count, trainable.count, "one reference gradient per trainable tensor")
        for name in gradientNames {
            let path = String(name.dropFirst("grad.base_model.model.".count))
            let tensor = try XCTUnwrap(trainable[path], "no trainable tensor \(path)")
            let expected = try file.tensor(name).scalars
            let scale = expected.map(abs).max() ?? 1
            let got = try XCTUnwrap(tensor.grad, "no gradient for \(path)").scalars
            XCTAssertLessThan(maxAbsDifference(got, expected) / scale, 2e-3, path)
        }
    }

    func testSaveKeepsPEFTLayoutAndReloadsBitwise() throws {
        let model = try loadAdapted()
        let folder = scratchURL("loraf-peft-causal")
        try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: "SmolLM2-135M-Instruct.Q4_1.gguf")
        let ours = try SafeTensorsFile(contentsOf: folder.appendingPathComponent(AdapterFiles.weightsFile))
        let theirs = try SafeTensorsFile(contentsOf: fixtures.appendingPathComponent("peft_lora_causal/adapter_model.safetensors"))
        XCTAssertEqual(ours.entries.count, 120)
        XCTAssertEqual(Set(ours.entries.map { "\($0.name) \($0.shape)" }), Set(theirs.entries.map { "\($0.name) \($0.shape)" }))
        for entry in theirs.entries {
            XCTAssertEqual(try ours.floats(entry.name).map(\.bitPattern), try theirs.floats(entry.name).map(\.bitPattern), entry.name)
        }
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(AdapterFiles.configFile))) as? [String: Any])
        XCTAssertEqual(config["peft_type"] as? String, "LORA")
        XCTAssertEqual(config["task_type"] as? String, "CAUSAL_LM")
        XCTAssertEqual(Set(config["target_modules"] as? [String] ?? []), ["q_proj", "v_proj"])
        XCTAssertEqual(config["r"] as? Int, 8)
        XCTAssertEqual(config["lora_alpha"] as? Int, 16)
        XCTAssert(config["modules_to_save"] is NSNull, "no modules_to_save for a causal LM")

        let again = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        try AdapterFiles.load(into: again, from: folder, name: "default", trainable: true)
        let reloaded = Dictionary(uniqueKeysWithValues: again.trainableParameters.map { ($0.path, $0.tensor.scalars.map(\.bitPattern)) })
        for (path, tensor) in model.trainableParameters {
            XCTAssertEqual(reloaded[path], tensor.scalars.map(\.bitPattern), path)
        }
    }
}
