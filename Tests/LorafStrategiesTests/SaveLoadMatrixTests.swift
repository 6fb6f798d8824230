import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// What was saved must load, always (issue 14 item 3): every strategy, with each modules_to_save form and each
/// group of options it accepts, is saved, loaded onto a fresh model, and must give the same logits.
final class SaveLoadMatrixTests: XCTestCase {
    private static let modulesToSave: [OptionValue?] = [nil, .list([]), .list([.string("classifier")])]

    private static let strategyOptions: [(strategy: String, options: [String: OptionValue])] = {
        var cases: [(String, [String: OptionValue])] = []
        let loraVariants: [[String: OptionValue]] = [
            [:],
            ["r": .int(3), "lora_alpha": .double(6.5), "use_rslora": .bool(true), "lora_dropout": .double(0.1)],
            ["init_lora_weights": .string("gaussian"), "target_modules": .string(".*(query|key)")],
            ["target_modules": .list([.string("query"), .string("dense")]), "exclude_modules": .list([.string("pooler.dense")]),
             "rank_pattern": .table(["query": .int(3)]), "alpha_pattern": .table(["dense": .double(2.5)])],
            ["layers_to_transform": .list([.int(0)]), "target_modules": .list([.string("value")])],
        ]
        for bias in ["none", "all", "lora_only"] {
            for variant in loraVariants { cases.append(("lora", variant.merging(["bias": .string(bias)]) { $1 })) }
        }
        cases.append(("bitfit", [:]))
        for variant in ["houlsby", "pfeiffer"] {
            cases.append(("adapter", ["variant": .string(variant), "reduction_factor": .int(2), "layers_to_transform": .list([.int(0)])]))
        }
        return cases
    }()

    func testEveryAcceptedCombinationLoadsBack() throws {
        let batch = try tinyBatch()
        var checked = 0
        for (strategy, base) in Self.strategyOptions {
            for saveTargets in Self.modulesToSave {
                var values = base
                if let saveTargets { values["modules_to_save"] = saveTargets }
                let label = "\(strategy) \(values)"
                let model = try tinyClassifier()
                try adapt(model, strategy, name: "src", values)
                perturbTrainable(model, seed: 5)
                let expected = try logits(model, batch)
                let folder = try makeScratchFolder("loraf-matrix")
                try AdapterFiles.save(model, adapter: "src", to: folder, baseModelName: nil)

                let fresh = try tinyClassifier()
                do {
                    try AdapterFiles.load(into: fresh, from: folder, name: "back")
                } catch {
                    XCTFail("\(label): saved but does not load: \(error)")
                    continue
                }
                XCTAssertEqual(try logits(fresh, batch), expected, label)
                XCTAssertEqual(fresh.summary().adapters.first?.parameters, model.summary().adapters.first?.parameters, label)
                XCTAssertEqual(fresh.summary().adapters.first?.modulesToSave, model.summary().adapters.first?.modulesToSave, label)
                checked += 1
            }
        }
        XCTAssertEqual(checked, Self.strategyOptions.count * Self.modulesToSave.count)
    }
}
