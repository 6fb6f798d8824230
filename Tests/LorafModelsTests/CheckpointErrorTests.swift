import XCTest
import LorafTestSupport
import Foundation
import LorafFormats
import LorafTensor
@testable import LorafModels

/// A model folder with a missing tensor, a wrongly shaped tensor or a config that disagrees with the weights.
final class CheckpointErrorTests: XCTestCase {
    private func makeFolder(editConfig: (inout [String: Any]) -> Void = { _ in },
                            editTensors: (inout [SafeTensorsWriter.Tensor]) -> Void = { _ in }) throws -> URL {
        let source = try miniLMDirectory()
        let folder = try makeScratchFolder("loraf-ckpt")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("config.json"))) as! [String: Any]
        editConfig(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let file = try SafeTensorsFile(contentsOf: source.appendingPathComponent("model.safetensors"))
        var tensors = try file.entries.filter { $0.dtype == .f32 }.map { entry in
            SafeTensorsWriter.Tensor.float32(entry.name, shape: entry.shape, values: try file.floats(entry.name))
        }
        editTensors(&tensors)
        try SafeTensorsWriter.write(tensors, metadata: [:], to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    func testMissingTensorIsNamed() throws {
        let folder = try makeFolder(editTensors: { $0.removeAll { $0.name == "encoder.layer.2.attention.self.key.weight" } })
        XCTAssertThrowsError(try ModelLoader.load(folder, task: .base)) {
            XCTAssert("\($0)".contains("encoder.layer.2.attention.self.key.weight"), "\($0)")
        }
    }

    func testWrongShapeIsNamedWithBothShapes() throws {
        let folder = try makeFolder(editTensors: { tensors in
            tensors.removeAll { $0.name == "pooler.dense.bias" }
            tensors.append(.float32("pooler.dense.bias", shape: [383], values: [Float](repeating: 0, count: 383)))
        })
        XCTAssertThrowsError(try ModelLoader.load(folder, task: .base)) {
            let text = "\($0)"
            XCTAssert(text.contains("pooler.dense.bias") && text.contains("[383]") && text.contains("[384]"), text)
        }
    }

    func testConfigDisagreeingWithWeightsIsNamed() throws {
        let folder = try makeFolder(editConfig: { $0["intermediate_size"] = 1024 })
        XCTAssertThrowsError(try ModelLoader.load(folder, task: .base)) {
            let text = "\($0)"
            XCTAssert(text.contains("intermediate.dense") && text.contains("1536") && text.contains("1024"), text)
        }
        let badHeads = try makeFolder(editConfig: { $0["num_attention_heads"] = 5 })
        XCTAssertThrowsError(try ModelLoader.load(badHeads, task: .base)) {
            XCTAssert("\($0)".contains("not divisible by num_attention_heads"), "\($0)")
        }
    }

    func testUnexpectedTensorIsNamed() throws {
        let folder = try makeFolder(editTensors: { $0.append(.float32("encoder.layer.9.extra.weight", shape: [2], values: [1, 2])) })
        XCTAssertThrowsError(try ModelLoader.load(folder, task: .base)) {
            XCTAssert("\($0)".contains("encoder.layer.9.extra.weight"), "\($0)")
        }
    }
}
