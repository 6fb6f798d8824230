import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Each kind of bad adapter folder gives its own error, and the model is left as it was.
final class AdapterFileErrorTests: XCTestCase {
    /// A LoRA adapter (r = 2 on query and value) saved from the tiny model; returns the folder and its tensors.
    private func savedLoRA() throws -> (URL, [(name: String, shape: [Int], values: [Float])]) {
        let model = try tinyClassifier()
        try adapt(model, "lora", ["r": .int(2), "init_lora_weights": .bool(false)])
        let folder = scratchURL("loraf-strategies")
        try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: nil)
        let file = try SafeTensorsFile(contentsOf: folder.appendingPathComponent(AdapterFiles.weightsFile))
        return (folder, try file.entries.map { ($0.name, $0.shape, try file.floats($0.name)) })
    }

    private func rewriteTensors(_ folder: URL, _ tensors: [(name: String, shape: [Int], values: [Float])]) throws {
        try SafeTensorsWriter.write(tensors.map { SafeTensorsWriter.Tensor.float32($0.name, shape: $0.shape, values: $0.values) },
                                    to: folder.appendingPathComponent(AdapterFiles.weightsFile))
    }

    private func editConfig(_ folder: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent(AdapterFiles.configFile)
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: url)
    }

    /// The error loading `folder` gives; checks the model is unchanged afterwards.
    private func loadError(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let model = try tinyClassifier()
        let before = model.base.namedModules().map(\.path)
        let message = errorMessage({ try AdapterFiles.load(into: model, from: folder, name: "x") }, file: file, line: line)
        XCTAssertEqual(model.base.namedModules().map(\.path), before, "model left as it was", file: file, line: line)
        XCTAssertTrue(model.adapterNames.isEmpty, file: file, line: line)
        return message
    }

    private let queryA = "base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight"

    func testMissingTensor() throws {
        let (folder, tensors) = try savedLoRA()
        try rewriteTensors(folder, tensors.filter { $0.name != queryA })
        XCTAssertTrue(try loadError(folder).contains("lacks tensor '\(queryA)' of shape [2, 4]"))
    }

    func testUnusedTensor() throws {
        let (folder, tensors) = try savedLoRA()
        let extra = "base_model.model.bert.encoder.layer.0.attention.self.key.lora_A.weight"
        try rewriteTensors(folder, tensors + [(extra, [2, 4], [Float](repeating: 0, count: 8))])
        XCTAssertTrue(try loadError(folder).contains("tensor '\(extra)' is not used by this adapter"))
    }

    func testShapeThatDisagreesWithR() throws {
        let (folder, _) = try savedLoRA()
        try editConfig(folder) { $0["r"] = 3 }
        XCTAssertTrue(try loadError(folder).contains("has shape [2, 4] but the model expects [3, 4]"))
    }

    func testShapeThatDisagreesWithTheBaseLayer() throws {
        let (folder, tensors) = try savedLoRA()
        try rewriteTensors(folder, tensors.map { $0.name == queryA ? ($0.name, [2, 5], [Float](repeating: 0, count: 10)) : $0 })
        XCTAssertTrue(try loadError(folder).contains("tensor '\(queryA)' has shape [2, 5] but the model expects [2, 4]"))
    }

    func testTargetTheModelLacks() throws {
        let (folder, _) = try savedLoRA()
        try editConfig(folder) { $0["target_modules"] = ["query_proj"] }
        let message = try loadError(folder)
        XCTAssertTrue(message.contains("matched no module") && message.contains("bert.encoder.layer.0.attention.self.query"), message)
        // A layer the model does not have: its tensors are unused.
        let (other, tensors) = try savedLoRA()
        let layer5 = tensors.map { ($0.name.replacingOccurrences(of: "layer.0.", with: "layer.5."), $0.shape, $0.values) }
        try rewriteTensors(other, layer5)
        XCTAssertTrue(try loadError(other).contains("layer.5.attention.self.query.lora_A.weight' is not used by this adapter"))
    }

    func testUnknownPeftTypeAndCorruptJSON() throws {
        let (folder, _) = try savedLoRA()
        try editConfig(folder) { $0["peft_type"] = "PREFIX_TUNING" }
        let message = try loadError(folder)
        // The known list also names plugin strategies registered earlier in this process (IA3), so check each built-in.
        XCTAssertTrue(message.contains("peft_type 'PREFIX_TUNING' is not supported (known: "), message)
        for known in ["BITFIT", "BOTTLENECK", "LORA"] { XCTAssertTrue(message.contains(known), message) }
        try Data("{\"peft_type\": \"LORA\", ".utf8).write(to: folder.appendingPathComponent(AdapterFiles.configFile))
        XCTAssertTrue(try loadError(folder).contains("adapter_config.json: not a JSON object"))
    }

    func testBottleneckFileWithAnotherReductionFactor() throws {
        let model = try tinyClassifier()
        try adapt(model, "adapter", ["reduction_factor": .int(2)])
        let folder = scratchURL("loraf-strategies")
        try AdapterFiles.save(model, adapter: "default", to: folder, baseModelName: nil)
        try editConfig(folder) { $0["reduction_factor"] = 4 }
        let message = try loadError(folder)
        XCTAssertTrue(message.contains("adapter_down.bias' has shape [2] but the model expects [1]"), message)
    }
}
