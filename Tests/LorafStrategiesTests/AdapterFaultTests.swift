import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Issue 14 items 1, 2 and 6: non-finite adapter values, inference-only loading, biases that must not change the
/// base model.
final class AdapterFaultTests: XCTestCase {
    private func baseWeights(_ model: AdaptedModel) -> [String: [Float]] {
        // Keyed by wrapper-free path, so the base weights compare before and after an adapter wraps their layers.
        Dictionary(uniqueKeysWithValues: model.allParameters.map { (AdapterFiles.filePath(ofModule: $0.path), $0.tensor.scalars) }
            .filter { !AdapterPaths.isAdapterOwned($0.0) })
    }

    private func loraB(_ model: AdaptedModel, adapter: String = "default") throws -> Tensor {
        try XCTUnwrap(model.trainableParameters.first { $0.path.contains(".lora_B.\(adapter).") }?.tensor)
    }

    /// Saves a LoRA adapter, then rewrites its weights file with one NaN in the first lora_B.
    private func adapterFolderWithNaN() throws -> (folder: URL, tensor: String) {
        let model = try tinyClassifier()
        try adapt(model, "lora", ["init_lora_weights": .bool(false), "r": .int(2)])
        let folder = try makeScratchFolder("loraf-nan")
        try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: nil)
        let url = folder.appendingPathComponent(AdapterFiles.weightsFile)
        let file = try SafeTensorsFile(contentsOf: url)
        let poisoned = try XCTUnwrap(file.entries.map(\.name).sorted().first { $0.contains("lora_B") })
        let entries = try file.entries.map { entry -> SafeTensorsWriter.Tensor in
            var values = try file.tensor(entry.name).scalars
            if entry.name == poisoned { values[1] = .nan }
            return .float32(entry.name, shape: entry.shape, values: values)
        }
        try SafeTensorsWriter.write(entries, to: url)
        return (folder, poisoned)
    }

    func testLoadingRejectsNonFiniteValuesNamingTheTensor() throws {
        let (folder, tensor) = try adapterFolderWithNaN()
        let model = try tinyClassifier()
        let before = baseWeights(model)
        let message = errorMessage { try AdapterFiles.load(into: model, from: folder, name: "x") }
        XCTAssertTrue(message.contains(tensor) && message.contains("nan") && message.contains("finite"), message)
        XCTAssertEqual(model.adapterNames, [])
        XCTAssertEqual(baseWeights(model), before)
    }

    func testSafeMergeLeavesTheBaseBitwiseUnchangedOnNaN() throws {
        let model = try tinyClassifier()
        let batch = try tinyBatch()
        let base = try logits(model, batch)
        let before = baseWeights(model)
        try adapt(model, "lora", ["init_lora_weights": .bool(false), "r": .int(2)])
        try loraB(model).data[0] = .nan
        let message = errorMessage { try model.merge(safe: true) }
        XCTAssertTrue(message.contains("non-finite") && message.contains("unchanged"), message)
        XCTAssertEqual(model.merged, [])
        XCTAssertEqual(baseWeights(model), before, "safe merge must restore the base bit for bit")
        try model.disableAdapters()
        XCTAssertEqual(try logits(model, batch), base)
        try model.deleteAdapter("default")
        XCTAssertEqual(try logits(model, batch), base)
        // A finite adapter merges safely and unmerges to the base (within fp32 rounding of W + sBA - sBA).
        try adapt(model, "lora", name: "ok", ["init_lora_weights": .bool(false), "r": .int(2)])
        try model.merge(safe: true)
        XCTAssertEqual(model.merged, ["ok"])
    }

    func testLoadedAdaptersAreFrozenUnlessTrainable() throws {
        let source = try tinyClassifier()
        try adapt(source, "lora", ["init_lora_weights": .bool(false), "r": .int(2)])
        let trainable = source.summary().trainable
        let folder = try makeScratchFolder("loraf-frozen")
        try AdapterFiles.save(source, adapter: "default", to: folder, baseModelName: nil)

        let model = try tinyClassifier()
        try AdapterFiles.load(into: model, from: folder, name: "served")
        XCTAssertTrue(model.trainableParameters.isEmpty)
        XCTAssertFalse(model.allParameters.contains { $0.tensor.requiresGrad })
        XCTAssertEqual(model.summary().trainable, 0)
        XCTAssertTrue(model.summary().description.contains("adapter 'served' (lora, inference only, active)"), model.summary().description)

        try AdapterFiles.load(into: model, from: folder, name: "tuned", trainable: true)
        XCTAssertEqual(model.summary().trainable, trainable)
        XCTAssertTrue(model.summary().description.contains("adapter 'tuned' (lora, active)"))
    }

    /// bias = "all" / "lora_only" train per-adapter copies: disabling and deleting give the base back bitwise,
    /// and the saved file round-trips.
    func testLoRABiasesAreCopiesSoDisableAndDeleteRestoreTheBase() throws {
        for bias in ["all", "lora_only"] {
            let model = try tinyClassifier()
            let batch = try tinyBatch()
            let base = try logits(model, batch)
            let before = baseWeights(model)
            try adapt(model, "lora", ["init_lora_weights": .bool(false), "r": .int(2), "bias": .string(bias)])
            let biases = model.trainableParameters.filter { $0.path.hasSuffix(".bias") && !$0.path.contains("modules_to_save") }
            XCTAssertFalse(biases.isEmpty, bias)
            XCTAssertTrue(biases.allSatisfy { $0.path.contains(".bitfit.default.bias") }, "\(biases.map(\.path))")
            for (_, tensor) in biases { for i in 0..<tensor.count { tensor.data[i] += 0.5 } } // "training" the biases
            let adapted = try logits(model, batch)
            XCTAssertNotEqual(adapted, base, bias)
            XCTAssertEqual(baseWeights(model), before, "\(bias): the base tensors must not change")

            let folder = try makeScratchFolder("loraf-bias")
            try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: nil)
            try model.disableAdapters()
            XCTAssertEqual(try logits(model, batch), base, "\(bias): disabled must run the base exactly")
            model.enableAdapters()
            try model.merge()
            XCTAssertEqual(try logits(model, batch), adapted, accuracy: 1e-5)
            try model.unmerge()
            try model.deleteAdapter("default")
            XCTAssertEqual(try logits(model, batch), base, "\(bias): deleting must restore the base exactly")

            let reloaded = try tinyClassifier()
            try AdapterFiles.load(into: reloaded, from: folder, name: "default")
            XCTAssertEqual(try logits(reloaded, batch), adapted, "\(bias): the saved biases load back")
        }
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(maxAbsDifference(a, b), accuracy, file: file, line: line)
}
