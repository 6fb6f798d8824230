import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// The llama.cpp LoRA adapter GGUF export: PEFT's causal-LM fixture adapter on SmolLM2 (Q4_1) written as llama.cpp
/// names, shapes and RoPE row order, read back by loraf's GGUFFile and by the Python `gguf` package; refusals and
/// the folding of per-layer scales on the tiny Llama.
final class LlamaCppAdapterTests: XCTestCase {
    private func smolLM2WithFixtureAdapter() throws -> AdaptedModel {
        let model = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        try AdapterFiles.load(into: model, from: fixturesDirectory.appendingPathComponent("smollm2/peft_lora_causal"), name: "default", trainable: true)
        return model
    }

    private func tinyLlama() throws -> AdaptedModel {
        AdaptedModel(try ModelLoader.load(fixturesDirectory.appendingPathComponent("tiny_decoders/llama"), task: .causalLM))
    }

    private func weight(_ model: AdaptedModel, _ path: String) throws -> Tensor {
        try XCTUnwrap(model.trainableParameters.first { $0.path == path }?.tensor, path)
    }

    func testExportHasLlamaCppNamesShapesAndRowOrder() throws {
        let model = try smolLM2WithFixtureAdapter()
        let url = scratchURL("loraf-llamacpp").appendingPathExtension("gguf")
        let names = try LlamaCppAdapter.export(model, adapter: "default", to: url)
        let file = try GGUFFile(contentsOf: url)
        XCTAssertEqual(try file.metadata.string("general.type"), "adapter")
        XCTAssertEqual(try file.metadata.string("general.architecture"), "llama")
        XCTAssertEqual(try file.metadata.string("adapter.type"), "lora")
        XCTAssertEqual(file.metadata["adapter.lora.alpha"], .float32(16))
        XCTAssertEqual(file.tensorNames, names)
        XCTAssertEqual(file.tensors.count, 120)
        XCTAssert(file.tensors.allSatisfy { $0.type == .f32 })
        let config = try XCTUnwrap(model.base as? LlamaForCausalLM).config
        for layer in [0, 17, 29] {
            let a = try file.entry("blk.\(layer).attn_q.weight.lora_a"), b = try file.entry("blk.\(layer).attn_q.weight.lora_b")
            XCTAssertEqual(a.dimensions, [576, 8], "ggml ne of A is [in, r]")
            XCTAssertEqual(b.dimensions, [8, 576], "ggml ne of B is [r, out]")
            XCTAssertEqual(try file.entry("blk.\(layer).attn_v.weight.lora_b").shape, [192, 8])
            let prefix = "model.layers.\(layer).self_attn"
            XCTAssertEqual(try file.floats("blk.\(layer).attn_q.weight.lora_a"), try weight(model, "\(prefix).q_proj.lora_A.default.weight").scalars)
            XCTAssertEqual(try file.floats("blk.\(layer).attn_v.weight.lora_b"), try weight(model, "\(prefix).v_proj.lora_B.default.weight").scalars,
                           "v rows keep their order")
            // q rows go back into llama.cpp's interleaved RoPE order: file row p[i] is Hugging Face row i.
            let p = GGUFLlamaNames.ropeRowPermutation(heads: config.numAttentionHeads, headDim: config.headDim)
            let ours = try weight(model, "\(prefix).q_proj.lora_B.default.weight").scalars
            let written = try file.floats("blk.\(layer).attn_q.weight.lora_b")
            XCTAssertNotEqual(written, ours, "the permutation moves rows")
            for i in 0..<576 { XCTAssertEqual(Array(written[(p[i] * 8)..<(p[i] * 8 + 8)]), Array(ours[(i * 8)..<(i * 8 + 8)]), "row \(i)") }
        }
    }

    func testF16ExportRoundsToHalfPrecision() throws {
        let model = try smolLM2WithFixtureAdapter()
        let url = scratchURL("loraf-llamacpp-f16").appendingPathExtension("gguf")
        try LlamaCppAdapter.export(model, adapter: "default", to: url, type: .f16)
        let file = try GGUFFile(contentsOf: url)
        XCTAssert(file.tensors.allSatisfy { $0.type == .f16 })
        XCTAssertEqual(file.metadata["general.file_type"], .uint32(1))
        let a = try weight(model, "model.layers.3.self_attn.v_proj.lora_A.default.weight").scalars
        XCTAssertEqual(try file.floats("blk.3.attn_v.weight.lora_a"), a.map { Float(Float16($0)) })
    }

    func testPythonGGUFReadsTheExport() throws {
        guard let probe = try? python(["-c", "import gguf, numpy"]), probe.status == 0 else {
            throw XCTSkip("python3 with the gguf and numpy packages is not available (pip install gguf numpy)")
        }
        let model = try smolLM2WithFixtureAdapter()
        let url = scratchURL("loraf-llamacpp-py").appendingPathExtension("gguf")
        try LlamaCppAdapter.export(model, adapter: "default", to: url, type: .f16)
        let script = """
        import sys
        from gguf import GGUFReader
        r = GGUFReader(sys.argv[1])
        for key in ('general.type', 'general.architecture', 'adapter.type', 'adapter.lora.alpha'):
            f = r.fields[key]
            print(key, f.contents(), sep='\\t')
        for t in r.tensors:
            print(t.name, t.tensor_type.name, ','.join(str(int(n)) for n in t.shape), float(t.data.astype('float32').sum()), sep='\\t')
        """
        let (status, output) = try python(["-c", script, url.path])
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.prefix(4)), ["general.type\tadapter", "general.architecture\tllama", "adapter.type\tlora", "adapter.lora.alpha\t16.0"])
        let tensors = lines.dropFirst(4).map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(tensors.count, 120)
        let file = try GGUFFile(contentsOf: url)
        for (fields, info) in zip(tensors, file.tensors) {
            XCTAssertEqual(fields[0], info.name)
            XCTAssertEqual(fields[1], "F16")
            XCTAssertEqual(fields[2], info.dimensions.map(String.init).joined(separator: ","), "gguf's shape is ggml's ne")
            let sum = try file.floats(info.name).reduce(0) { $0 + Double($1) }
            XCTAssertEqual(Double(fields[3]) ?? .nan, sum, accuracy: 1e-3 * max(1, abs(sum)), info.name)
        }
        XCTAssert(tensors.contains { $0[0] == "blk.29.attn_v.weight.lora_b" && $0[2] == "8,192" })
    }

    func testPerLayerScalesAreFoldedIntoB() throws {
        let model = try tinyLlama()
        try adapt(model, "lora", ["r": .int(4), "lora_alpha": .int(8), "use_rslora": .bool(true), "init_lora_weights": .bool(false),
                                  "target_modules": .list([.string("v_proj")])])
        let url = scratchURL("loraf-llamacpp-rs").appendingPathExtension("gguf")
        try LlamaCppAdapter.export(model, adapter: "default", to: url)
        let file = try GGUFFile(contentsOf: url)
        let b = try weight(model, "model.layers.0.self_attn.v_proj.lora_B.default.weight").scalars
        // rsLoRA: s = 8 / √4 = 4; llama.cpp applies 8 / 4 = 2, so B is written doubled.
        XCTAssertEqual(try file.floats("blk.0.attn_v.weight.lora_b"), b.map { $0 * 2 })
    }

    func testWhatTheFormatCannotHoldIsRefused() throws {
        // The tiny Qwen2 has q/k/v biases for bias = "all" to train.
        let biases = AdaptedModel(try ModelLoader.load(fixturesDirectory.appendingPathComponent("tiny_decoders/qwen2"), task: .causalLM))
        try adapt(biases, "lora", ["bias": .string("all")])
        let url = scratchURL("loraf-llamacpp-refused").appendingPathExtension("gguf")
        XCTAssert(errorMessage { try LlamaCppAdapter.export(biases, adapter: "default", to: url) }.contains("bias = \"all\""))
        let copies = try tinyLlama()
        try adapt(copies, "lora", ["modules_to_save": .list([.string("lm_head")])])
        XCTAssert(errorMessage { try LlamaCppAdapter.export(copies, adapter: "default", to: url) }.contains("lm_head"))
        XCTAssert(errorMessage { try LlamaCppAdapter.export(copies, adapter: "default", to: url, type: .q4_0) }.contains("F32 or F16"))
        XCTAssert(errorMessage { try LlamaCppAdapter.export(copies, adapter: "nope", to: url) }.contains("no adapter named 'nope'"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing is written on error")
    }
}
