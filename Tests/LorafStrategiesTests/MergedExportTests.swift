import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafKernels
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Merged-model export (`MergedModelExport`) on the tiny Llama: the safetensors folder and the GGUF file, read back
/// by loraf, give the adapted model's logits; a fresh adapter requantizes to the base's exact bytes; bad input is refused.
final class MergedExportTests: XCTestCase {
    private let tinyFolder = fixturesDirectory.appendingPathComponent("tiny_decoders/llama")
    private let linears = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"].map(OptionValue.string)
    private let ids = try! IntTensor(shape: [2, 6], scalars: [1, 17, 5, 44, 90, 3, 2, 8, 61, 33, 7, 12])

    private func logits(of model: TransformerModel) throws -> [Float] {
        try GradMode.disabled { try XCTUnwrap(model.forward(ModelInput(inputIds: ids), model.makeContext()).logits).scalars }
    }

    private func logits(of model: AdaptedModel) throws -> [Float] {
        try GradMode.disabled { try XCTUnwrap(model.forward(ModelInput(inputIds: ids), model.makeContext()).logits).scalars }
    }

    /// LoRA on every linear with random A and B (so the update is far from zero) and lm_head trained in full.
    private func adapted(_ url: URL, modulesToSave: Bool = true) throws -> AdaptedModel {
        let model = AdaptedModel(try ModelLoader.load(url, task: .causalLM))
        var values: [String: OptionValue] = [
            "r": .int(4), "lora_alpha": .int(8), "init_lora_weights": .bool(false),
            "target_modules": .list(linears),
        ]
        if modulesToSave { values["modules_to_save"] = .list([.string("lm_head")]) }
        try adapt(model, "lora", values)
        perturbTrainable(model, seed: 3, scale: 0.05)
        return model
    }

    private func tinyGGUF() throws -> URL {
        let url = scratchURL("tiny-llama").appendingPathExtension("gguf")
        try TinyLlamaGGUF.write(to: url)
        return url
    }

    func testSafeTensorsExportReloadsToTheAdaptedLogits() throws {
        let model = try adapted(tinyFolder)
        let folder = scratchURL("merged-st")
        let report = try MergedModelExport.export(model, source: tinyFolder, to: folder, format: .safetensors)
        XCTAssertEqual(report.mergedTensors.count, 2 * 7 + 1)
        XCTAssert(report.mergedTensors.contains("lm_head.weight"))
        XCTAssert(report.mergedTensors.contains("model.layers.1.mlp.down_proj.weight"))
        let reloaded = try ModelLoader.load(folder, task: .causalLM)
        XCTAssertLessThan(maxAbsDifference(try logits(of: reloaded), try logits(of: model)), 1e-5)
        XCTAssertGreaterThan(maxAbsDifference(try logits(of: reloaded), try logits(of: ModelLoader.load(tinyFolder, task: .causalLM))), 1e-2,
                             "the adapter changes the output")
        let names = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors")).tensorNames
        XCTAssertEqual(Set(names), Set(try SafeTensorsFile(contentsOf: tinyFolder.appendingPathComponent("model.safetensors")).tensorNames))
    }

    func testSafeTensorsExportOfAGGUFModelWritesConfigAndHalfPrecision() throws {
        let source = try tinyGGUF()
        let model = try adapted(source, modulesToSave: false)
        let folder = scratchURL("merged-st-gguf")
        let report = try MergedModelExport.export(model, source: source, to: folder, format: .safetensors, dtype: .bf16)
        XCTAssertEqual(report.files.map(\.lastPathComponent), ["model.safetensors", "config.json", "chat_template.jinja"])
        XCTAssert(report.notes.contains { $0.contains("tokenizer files are not written") }, "\(report.notes)")
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any])
        XCTAssertEqual(config["architectures"] as? [String], ["LlamaForCausalLM"])
        XCTAssertEqual(config["num_key_value_heads"] as? Int, 2)
        XCTAssertEqual(config["eos_token_id"] as? Int, 2)
        XCTAssertEqual(config["dtype"] as? String, "bfloat16")
        let file = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(try file.tensorInfo("model.layers.0.self_attn.q_proj.weight").dtype, .element(.bf16))
        // bf16 keeps 8 bits of mantissa: the logits of the reloaded model stay close to the adapted model's.
        let reloaded = try ModelLoader.load(folder, task: .causalLM)
        XCTAssertLessThan(maxAbsDifference(try logits(of: reloaded), try logits(of: model)), 0.05)
    }

    /// A fresh LoRA adapter (B = 0) adds nothing, so requantizing the merged tensors gives the base's bytes back
    /// exactly (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the q/k row order), and the metadata is copied as it is.
    func testFreshAdapterRequantizesToTheBaseBytes() throws {
        let source = try tinyGGUF()
        let model = AdaptedModel(try ModelLoader.load(source, task: .causalLM))
        try adapt(model, "lora", ["target_modules": .list(linears)])
        let url = scratchURL("merged-fresh").appendingPathExtension("gguf")
        let report = try MergedModelExport.export(model, source: source, to: url, format: .gguf, dtype: .requantize)
        XCTAssertEqual(report.mergedTensors.count, 14)
        XCTAssertEqual(report.notes, [])
        let (base, merged) = (try GGUFFile(contentsOf: source), try GGUFFile(contentsOf: url))
        XCTAssertEqual(merged.metadata.entries, base.metadata.entries)
        XCTAssertEqual(merged.tensors.map(\.name), base.tensors.map(\.name))
        for info in base.tensors {
            XCTAssertEqual(try merged.entry(info.name).type, info.type, info.name)
            XCTAssertEqual(Array(try merged.tensorBytes(info.name)), Array(try base.tensorBytes(info.name)), info.name)
        }
    }

    func testGGUFExportGivesTheAdaptedLogits() throws {
        let source = try tinyGGUF()
        let model = try adapted(source, modulesToSave: false)
        let expected = try logits(of: model)
        let f16 = scratchURL("merged-f16").appendingPathExtension("gguf")
        try MergedModelExport.export(model, source: source, to: f16, format: .gguf, dtype: .f16)
        let f16File = try GGUFFile(contentsOf: f16)
        XCTAssertEqual(try f16File.entry("blk.0.attn_q.weight").type, .f16)
        XCTAssertEqual(try f16File.entry("token_embd.weight").type, .q8_0, "untouched tensors keep their type")
        // F16 rounds each merged weight by at most 2^-11 relative: the logits move by far less than the adapter does.
        XCTAssertLessThan(maxAbsDifference(try logits(of: ModelLoader.load(f16, task: .causalLM)), expected), 2e-3)
        let requantized = scratchURL("merged-q").appendingPathExtension("gguf")
        try MergedModelExport.export(model, source: source, to: requantized, format: .gguf, dtype: .requantize)
        let file = try GGUFFile(contentsOf: requantized)
        for (name, type) in [("blk.1.attn_q.weight", GGMLType.q4_1), ("blk.1.attn_v.weight", .q5_1), ("blk.0.ffn_down.weight", .f16)] {
            XCTAssertEqual(try file.entry(name).type, type, name)
        }
        // Requantizing adds a 4-bit rounding error of its own; the update itself (far larger) must survive it.
        let requantizedError = maxAbsDifference(try logits(of: ModelLoader.load(requantized, task: .causalLM)), expected)
        let update = maxAbsDifference(try logits(of: ModelLoader.load(source, task: .causalLM)), expected)
        XCTAssertLessThan(requantizedError, update / 4, "requantized error \(requantizedError), adapter's effect \(update)")
    }

    func testBadInputIsRefusedWithClearErrors() throws {
        let fresh = AdaptedModel(try ModelLoader.load(tinyFolder, task: .causalLM))
        let out = scratchURL("merged-bad")
        XCTAssertEqual(errorMessage { try MergedModelExport.export(fresh, source: self.tinyFolder, to: out, format: .safetensors) },
                       "merged export: the model has no adapter to merge")
        let model = try adapted(tinyFolder)
        XCTAssert(errorMessage { try MergedModelExport.export(model, source: self.tinyFolder, to: out, format: .gguf) }
            .contains("GGUF output needs a base loaded from a GGUF file"))
        XCTAssertEqual(errorMessage { try MergedModelExport.export(model, source: self.tinyFolder, to: out, format: .safetensors, dtype: .requantize) },
                       "merged export: dtype 'requantize' does not apply to safetensors (allowed: f32, f16, bf16)")
        XCTAssert(errorMessage { try MergedModelExport.export(model, adapter: "nope", source: self.tinyFolder, to: out, format: .safetensors) }
            .contains("no adapter named 'nope'"))
        let blocker = try makeScratchFolder("merged-blocker").appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        XCTAssert(errorMessage { try MergedModelExport.export(model, source: self.tinyFolder, to: blocker.appendingPathComponent("out"), format: .safetensors) }
            .contains("cannot create the folder \(blocker.path)/out"))
        let source = try tinyGGUF()
        let ggufModel = try adapted(source, modulesToSave: false)
        let unwritable = URL(fileURLWithPath: "/nonexistent-dir/merged.gguf")
        XCTAssert(errorMessage { try MergedModelExport.export(ggufModel, source: source, to: unwritable, format: .gguf) }.contains("/nonexistent-dir"))
        try model.merge()
        XCTAssert(errorMessage { try MergedModelExport.export(model, source: self.tinyFolder, to: out, format: .safetensors) }.contains("unmerge first"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written on error")
    }
}
