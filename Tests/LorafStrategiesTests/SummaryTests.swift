import XCTest
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// `summary()`: PEFT's print_trainable_parameters line and the per-adapter breakdown.
final class SummaryTests: XCTestCase {
    func testHeadlineFormatsAsPEFT() {
        let summary = ParameterSummary(trainable: 1_181_954, total: 23_894_402, adapters: [])
        XCTAssertEqual(summary.headline, "trainable params: 1,181,954 || all params: 23,894,402 || trainable%: 4.9466")
        XCTAssertEqual(ParameterSummary(trainable: 5, total: 999, adapters: []).headline, "trainable params: 5 || all params: 999 || trainable%: 0.5005")
    }

    func testCountsFollowTheAdaptersAndTheActiveOne() throws {
        let model = try tinyClassifier()
        let config = try XCTUnwrap(model.base as? BertForSequenceClassification).config
        let baseCount = model.allParameters.reduce(0) { $0 + $1.tensor.count }
        XCTAssertEqual(model.summary().trainable, baseCount, "no adapter: full fine-tuning")
        let h = config.hiddenSize, head = 2 * h + 2
        try adapt(model, "lora", name: "lo", ["r": .int(2)])
        try adapt(model, "bitfit", name: "bit")
        let lora = 2 * (2 * 2 * h), bitfit = config.numHiddenLayers * (7 * h + config.intermediateSize) + 2 * h
        let summary = model.summary()
        XCTAssertEqual(summary.total, baseCount + lora + bitfit + 2 * head)
        XCTAssertEqual(summary.trainable, bitfit + head)
        XCTAssertEqual(summary.adapters, [
            .init(name: "lo", strategy: "lora", isActive: false, parameters: lora, modulesToSave: ["classifier"], modulesToSaveParameters: head),
            .init(name: "bit", strategy: "bitfit", isActive: true, parameters: bitfit, modulesToSave: ["classifier"], modulesToSaveParameters: head),
        ])
        XCTAssertEqual(summary.description.split(separator: "\n").last,
                       "  adapter 'bit' (bitfit, active): \(bitfit) params; modules_to_save: classifier (\(head) params)")
        try model.setAdapter("lo")
        XCTAssertEqual(model.summary().trainable, lora + head)
        try model.disableAdapters()
        XCTAssertEqual(model.summary().trainable, 0)
        XCTAssertEqual(model.summary().trainablePercent, 0)
    }
}
