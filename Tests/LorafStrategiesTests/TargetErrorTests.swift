import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// Messages that name what is wrong (issue 14 items 4, 7 and 9): unmatched patterns, layer indices, unsupported
/// targets, a head both adapted and saved, and out-of-range sizes.
final class TargetErrorTests: XCTestCase {
    func testPatternEntriesThatMatchNoAdaptedModuleAreErrorsWithNearMatches() throws {
        let model = try tinyClassifier()
        let message = errorMessage { try adapt(model, "lora", ["rank_pattern": .table(["quer": .int(4)])]) }
        XCTAssertTrue(message.contains("rank_pattern entry 'quer' matches none of the adapted modules") && message.contains("query"), message)
        let alpha = errorMessage { try adapt(model, "lora", ["alpha_pattern": .table(["layer.0.attention.self.vaule": .int(4)])]) }
        XCTAssertTrue(alpha.contains("alpha_pattern entry 'layer.0.attention.self.vaule'") && alpha.contains("value"), alpha)
        XCTAssertEqual(model.adapterNames, [])
        XCTAssertNoThrow(try adapt(model, "lora", ["rank_pattern": .table(["query": .int(4)])]))
    }

    func testLayerIndicesOutsideTheModelNameTheValidRange() throws {
        let model = try tinyClassifier() // one layer: index 0
        for layers in [[1], [0, 99]] {
            let message = errorMessage { try adapt(model, "lora", ["layers_to_transform": .list(layers.map(OptionValue.int))]) }
            XCTAssertTrue(message.contains("layers_to_transform has layer \(layers.last ?? 0), which does not exist (layers are numbered 0...0; -1 is the last)"), message)
        }
        XCTAssertEqual(model.adapterNames, [])
    }

    func testTargetsThatAreNotLinearNameTheirKind() throws {
        let model = try tinyClassifier()
        let embeddings = errorMessage { try adapt(model, "lora", ["target_modules": .list([.string("word_embeddings")])]) }
        XCTAssertTrue(embeddings.contains("'bert.embeddings.word_embeddings', a Embedding; LoRA adapts Linear layers"), embeddings)
        let container = errorMessage { try adapt(model, "lora", ["target_modules": .list([.string("attention")])]) }
        XCTAssertTrue(container.contains("LoRA adapts Linear layers") && !container.contains("matched no module"), container)
        let typo = errorMessage { try adapt(model, "lora", ["target_modules": .list([.string("qurey")])]) }
        XCTAssertTrue(typo.contains("matched no module (near matches: query"), typo)
    }

    func testAHeadInTargetModulesIsNotAlsoCopiedByDefault() throws {
        let model = try tinyClassifier()
        try adapt(model, "lora", ["target_modules": .list([.string("classifier")])])
        XCTAssertEqual(model.summary().adapters.first?.modulesToSave, [])
        let explicit = try tinyClassifier()
        let message = errorMessage {
            try adapt(explicit, "lora", ["target_modules": .list([.string("classifier")]), "modules_to_save": .list([.string("classifier")])])
        }
        XCTAssertTrue(message.contains("modules_to_save: 'classifier' is adapted by this adapter"), message)
        XCTAssertFalse(message.contains("cannot be copied"), message)
    }

    func testHugeRanksAndPatternValuesAreRangeErrors() throws {
        let model = try tinyClassifier()
        for r in [OptionValue.int(1 << 31), .double(1e9), .double(1e300), .int(Int.max)] {
            let message = errorMessage { try adapt(model, "lora", ["r": r]) }
            XCTAssertTrue(message.contains("'r' must be an integer in [1, 65536]"), message)
        }
        for value in [OptionValue.int(1 << 62), .double(1e300), .double(.nan), .double(2.5)] {
            let message = errorMessage { try adapt(model, "lora", ["rank_pattern": .table(["query": value])]) }
            XCTAssertTrue(message.contains("'rank_pattern' entry 'query' must be an integer in [1, 65536]"), message)
        }
        let alpha = errorMessage { try adapt(model, "lora", ["alpha_pattern": .table(["query": .double(1e300)])]) }
        XCTAssertTrue(alpha.contains("'alpha_pattern' entry 'query' must be a number in [0.0, 1000000000.0]"), alpha)
        let layers = errorMessage { try adapt(model, "lora", ["layers_to_transform": .list([.double(1e300)])]) }
        XCTAssertTrue(layers.contains("'layers_to_transform' must be a list of integers"), layers)
        XCTAssertEqual(model.adapterNames, [])
    }
}
