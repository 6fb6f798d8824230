import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// The PEFT-saved LoRA adapter of Tests/Fixtures/peft_lora_seqcls on all-MiniLM-L6-v2: logits, loss and every
/// gradient against the reference, and a save that loads back bitwise with PEFT's keys and shapes.
final class PeftParityTests: XCTestCase {
    private func loadAdapted() throws -> AdaptedModel {
        let base = try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2))
        let model = AdaptedModel(base)
        try AdapterFiles.load(into: model, from: fixturesDirectory.appendingPathComponent("peft_lora_seqcls"), name: "default")
        return model
    }

    private func batch() throws -> ModelInput {
        let file = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("peft_lora_seqcls_logits.safetensors"))
        return try ModelInput(inputIds: file.intTensor("input_ids"), attentionMask: file.intTensor("attention_mask"))
    }

    func testLogitsMatchPEFT() throws {
        let model = try loadAdapted()
        model.base.eval()
        let output = try GradMode.disabled { try model.forward(batch(), model.makeContext()) }
        let expected = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("peft_lora_seqcls_logits.safetensors")).tensor("logits")
        XCTAssertLessThan(maxAbsDifference(try XCTUnwrap(output.logits).scalars, expected.scalars), 1e-4)
    }

    func testLossAndEveryGradientMatchPEFT() throws {
        let model = try loadAdapted()
        model.base.train()  // dropout is 0 in the adapter; the reference ran in train mode with all dropout at 0
        let reference = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("peft_lora_seqcls_grads.safetensors"))
        let labels = try reference.intTensor("labels")
        // The reference zeroed every dropout probability; evaluation mode gives the same math here.
        let context = ForwardContext(training: false)
        let logits = try XCTUnwrap(model.forward(batch(), context).logits)
        let loss = try logits.crossEntropy(targets: labels)
        XCTAssertEqual(try loss.item(), try reference.tensor("loss").item(), accuracy: 1e-5)
        try loss.backward()
        let trainable = Dictionary(uniqueKeysWithValues: model.trainableParameters.map { ($0.path, $0.tensor) })
        let gradientNames = reference.entries.map(\.name).filter { $0.hasPrefix("grad.") }
        XCTAssertEqual(gradientNames.count, trainable.count, "one reference gradient per trainable tensor")
        for name in gradientNames {
            let path = String(name.dropFirst("grad.base_model.model.".count))
            let tensor = try XCTUnwrap(trainable[path], "no trainable tensor \(path)")
            let expected = try reference.tensor(name).scalars
            let scale = expected.map(abs).max() ?? 1
            let got = try XCTUnwrap(tensor.grad, "no gradient for \(path)").scalars
            XCTAssertLessThan(maxAbsDifference(got, expected) / scale, 1e-3, path)
        }
    }

    func testSaveReloadsBitwiseWithPEFTKeys() throws {
        let model = try loadAdapted()
        let folder = scratchURL("loraf-peft")
        try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: "sentence-transformers/all-MiniLM-L6-v2")
        let ours = try SafeTensorsFile(contentsOf: folder.appendingPathComponent(AdapterFiles.weightsFile))
        let theirs = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("peft_lora_seqcls/adapter_model.safetensors"))
        XCTAssertEqual(Set(ours.entries.map { "\($0.name) \($0.shape)" }), Set(theirs.entries.map { "\($0.name) \($0.shape)" }))
        for entry in theirs.entries {
            XCTAssertEqual(try ours.floats(entry.name).map(\.bitPattern), try theirs.floats(entry.name).map(\.bitPattern), entry.name)
        }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(AdapterFiles.configFile))) as? [String: Any]
        for key in ["peft_type", "task_type", "base_model_name_or_path", "r", "lora_alpha", "lora_dropout", "target_modules", "bias",
                    "use_rslora", "modules_to_save", "rank_pattern", "alpha_pattern", "fan_in_fan_out", "init_lora_weights", "inference_mode"] {
            XCTAssertNotNil(config?[key], "adapter_config.json lacks \(key)")
        }
        XCTAssertEqual(config?["peft_type"] as? String, "LORA")
        XCTAssertEqual(config?["task_type"] as? String, "SEQ_CLS")
        // And it loads back onto a fresh model with the same outputs.
        let again = AdaptedModel(try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2)))
        try AdapterFiles.load(into: again, from: folder, name: "default")
        let a = try GradMode.disabled { try model.forward(batch(), model.makeContext()).logits!.scalars }
        let b = try GradMode.disabled { try again.forward(batch(), again.makeContext()).logits!.scalars }
        XCTAssertEqual(a, b)
    }
}
