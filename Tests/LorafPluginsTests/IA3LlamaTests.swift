import Foundation
import LorafModels
import LorafStrategies
import LorafTensor
import XCTest

/// The IA³ plugin on Llama-family decoders with PEFT's Llama defaults (TRANSFORMERS_MODELS_TO_IA3_TARGET_MODULES_MAPPING:
/// k_proj, v_proj, down_proj; ..._FEEDFORWARD_...: down_proj), on Float32 (the tiny Llama of Tests/Fixtures) and
/// GGUF-quantized linears (SmolLM2-135M-Instruct Q4_1).
final class IA3LlamaTests: XCTestCase {
    private func tinyLlama() throws -> AdaptedModel {
        try loadIA3Plugin()
        let base = try ModelLoader.load(repositoryRoot.appendingPathComponent("Tests/Fixtures/tiny_decoders/llama"), task: .causalLM)
        base.eval()
        return AdaptedModel(base)
    }

    private func smolLM2() throws -> AdaptedModel {
        try loadIA3Plugin()
        let url = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("\(url.path) is missing: run scripts/fetch_model.sh") }
        let base = try ModelLoader.load(url, task: .causalLM)
        base.eval()
        return AdaptedModel(base)
    }

    private func adaptIA3(_ model: AdaptedModel) throws -> Adapter {
        try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "ia3"), name: "default", options: Options([:], context: "test"))
    }

    private func batch() throws -> ModelInput {
        try ModelInput(inputIds: IntTensor(shape: [2, 5], scalars: [5, 17, 42, 8, 91, 11, 60, 2, 0, 0]),
                       attentionMask: IntTensor(shape: [2, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]))
    }

    private func logits(_ model: AdaptedModel) throws -> [Float] {
        try GradMode.disabled { try XCTUnwrap(model.forward(batch(), model.makeContext()).logits).scalars }
    }

    /// Shapes by PEFT's rule: k_proj and v_proj scale their outputs ([out, 1]), down_proj its input ([1, in]).
    func testLlamaDefaultsTargetKeyValueAndDownProjection() throws {
        let model = try tinyLlama()
        let shapes = Dictionary(uniqueKeysWithValues: try adaptIA3(model).parameters(in: model).map { ($0.path, $0.tensor.shape) })
        var expected: [String: [Int]] = [:]
        for layer in 0..<2 {
            expected["model.layers.\(layer).self_attn.k_proj.ia3_l.default"] = [16, 1] // 2 key/value heads × 8
            expected["model.layers.\(layer).self_attn.v_proj.ia3_l.default"] = [16, 1]
            expected["model.layers.\(layer).mlp.down_proj.ia3_l.default"] = [1, 48]
        }
        XCTAssertEqual(shapes, expected)
    }

    /// A fresh adapter is the base model; one SGD step moves only the vectors; the saved adapter reloads with the
    /// same logits; merging into the Float32 linears keeps them.
    func testTrainStepSaveLoadAndMergeOnTheTinyLlama() throws {
        let model = try tinyLlama()
        let base = try logits(model)
        _ = try adaptIA3(model)
        XCTAssertEqual(try logits(model), base)
        let frozen = model.allParameters.filter { !$0.path.contains(".ia3_l.") }.map { ($0.path, $0.tensor.scalars) }
        model.base.train()
        try XCTUnwrap(model.forward(batch(), model.makeContext()).logits).sum().backward()
        model.base.eval()
        try GradMode.disabled {
            for (_, tensor) in model.trainableParameters {
                if let grad = tensor.grad { try tensor.assign(tensor - grad * 0.05) }
                tensor.zeroGrad()
            }
        }
        let trained = try logits(model)
        XCTAssertNotEqual(trained, base, "the step changed the adapter")
        for (path, scalars) in frozen {
            XCTAssertEqual(model.allParameters.first { $0.path == path }?.tensor.scalars, scalars, "frozen \(path)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loraf-ia3-llama-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try AdapterFiles.save(model, adapter: "default", to: directory, baseModelName: nil)
        let fresh = try tinyLlama()
        try AdapterFiles.load(into: fresh, from: directory, name: "default")
        XCTAssertEqual(try logits(fresh), trained)
        try fresh.merge()
        XCTAssertEqual(try logits(fresh), trained, accuracy: 1e-5)
    }

    /// On the Q4_1 SmolLM2 the vectors wrap the QuantizedLinear layers themselves (90: 3 per layer), a fresh adapter
    /// is the base model, gradients reach the vectors, and merging (which would need requantizing) is refused.
    func testQuantizedSmolLM2() throws {
        let model = try smolLM2()
        let base = try logits(model)
        let adapter = try adaptIA3(model)
        XCTAssertEqual(adapter.parameters(in: model).count, 90)
        for path in ["model.layers.0.self_attn.k_proj", "model.layers.29.mlp.down_proj"] {
            XCTAssertTrue(model.base.module(at: path + ".base_layer") is QuantizedLinear, path)
        }
        XCTAssertEqual(try logits(model), base)
        try XCTUnwrap(model.forward(batch(), model.makeContext()).logits).sum().backward()
        XCTAssertTrue(model.trainableParameters.allSatisfy { $0.tensor.grad != nil }, "every vector gets a gradient")
        XCTAssertThrowsError(try model.merge()) { error in
            XCTAssertEqual("\(error)", "IA³: cannot merge 'default' into a QuantizedLinear: its weight stays in its quantized blocks")
        }
    }
}

/// Element-wise equality of two float arrays within `accuracy`.
private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, accuracy, file: file, line: line)
}
