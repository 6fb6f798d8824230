import Foundation
import LorafFormats
import LorafModels
import LorafPlugins
import LorafStrategies
import LorafTensor
import LorafTokenizers
import LorafTraining
import XCTest

/// The IA³ plugin (plugins/ia3) loaded at run time and used through loraf's public Swift API only (no Lua): the
/// same path another Swift package depending on the `Loraf` library product takes to load, adapt and train.
final class IA3PluginTests: XCTestCase {
    private func model() throws -> AdaptedModel {
        try loadIA3Plugin()
        let base = try ModelLoader.load(try miniLMDirectory(), task: .classification(numLabels: 2), seed: 3)
        return AdaptedModel(base)
    }

    private func adaptIA3(_ model: AdaptedModel, name: String = "default") throws {
        try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "ia3"), name: name, options: Options([:], context: "test"))
    }

    private func logits(_ model: AdaptedModel) throws -> [Float] {
        model.base.eval()
        return try GradMode.disabled { try XCTUnwrap(model.forward(fixtureBatch(), model.makeContext()).logits).scalars }
    }

    /// One copy of loraf's types: the plugin library defines none of the core's symbols, the ones it uses resolve
    /// to this program, and the objects it makes pass this program's casts.
    func testPluginUsesTheHostsTypesAndRegistry() throws {
        let adapted = try model()
        let library = PluginDiscovery.library(ofPlugin: shippedPlugins.appendingPathComponent("ia3"))
        let handle = try XCTUnwrap(dlopen(library.path, RTLD_NOW | RTLD_NOLOAD), "the plugin is loaded")
        defer { dlclose(handle) }
        for symbol in ["$s11LorafModels11UnaryModuleCMa", "$s11LorafTensor0B0CMa"] {
            XCTAssertNil(dlsym(handle, symbol), "the plugin must not carry its own \(symbol)")
            let resolved = try XCTUnwrap(dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol), "\(symbol) exported by this program")
            XCTAssertEqual(try mappedFile(containing: resolved), URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                           "\(symbol) resolves in this program")
        }
        try adaptIA3(adapted)
        let layer = try XCTUnwrap(adapted.base.module(at: "bert.encoder.layer.0.attention.self.key"))
        XCTAssertTrue(layer is UnaryModule, "the plugin's layer is this program's UnaryModule")
        XCTAssertEqual(layer.kind, "IA3Linear")
        XCTAssertEqual(try adapted.adapter("default").strategy.peftType, "IA3")
    }

    /// PEFT's BERT defaults: key and value scale their output ([out, 1]); output.dense, which as a plain suffix also
    /// matches attention.output.dense, scales its input ([1, in]). 4 vectors per layer, 6 layers.
    func testDefaultTargetsAndShapes() throws {
        let adapted = try model()
        try adaptIA3(adapted)
        let own = try adapted.adapter("default").parameters(in: adapted)
        XCTAssertEqual(own.count, 24)
        let shapes = Dictionary(uniqueKeysWithValues: own.map { ($0.path, $0.tensor.shape) })
        XCTAssertEqual(shapes["bert.encoder.layer.0.attention.self.key.ia3_l.default"], [384, 1])
        XCTAssertEqual(shapes["bert.encoder.layer.0.attention.self.value.ia3_l.default"], [384, 1])
        XCTAssertEqual(shapes["bert.encoder.layer.0.attention.output.dense.ia3_l.default"], [1, 384])
        XCTAssertEqual(shapes["bert.encoder.layer.5.output.dense.ia3_l.default"], [1, 1536])
        XCTAssertTrue(own.allSatisfy { $0.tensor.scalars.allSatisfy { $0 == 1 } }, "vectors start at 1")
    }

    /// At init the adapted model computes exactly the base model; 36 steps on 64 SST-2 sentences lower their loss
    /// (measured in evaluation mode on all 64, so it is not minibatch noise); the saved adapter
    /// (PEFT's IA3 layout) reloads in a fresh `loraf` process with the same outputs; merging keeps them.
    func testTrainSaveReloadInFreshProcessAndMerge() throws {
        let adapted = try model()
        let before = try logits(adapted)
        try adaptIA3(adapted)
        XCTAssertEqual(try logits(adapted), before, "IA³ at init leaves the outputs unchanged")

        let directory = try miniLMDirectory()
        let tokenizer = try WordPieceTokenizer(modelDirectory: directory)
        var read = DatasetReadOptions()
        read.limit = 64
        let data = try TokenizedDataset(TextClassificationDataset.read(repositoryRoot.appendingPathComponent("data/sst2/train.txt").path, options: read),
                                        tokenizer: tokenizer, maxLength: 32)
        let probe = try data.batch(Array(0..<64))
        func probeLoss() throws -> Float {
            adapted.base.eval()
            return try GradMode.disabled { try XCTUnwrap(adapted.forward(probe.input, adapted.makeContext()).logits).crossEntropy(targets: probe.labels).item() }
        }
        let lossBefore = try probeLoss()
        var config = TrainingConfig()
        config.batchSize = 8
        config.maxSteps = 36
        config.epochs = 5
        config.maxLength = 32
        config.optimizer = .adamW(learningRate: 1e-2, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        config.schedule = .constant
        config.progressStyle = .plainLines(every: 1_000)
        let summary = try Trainer(model: adapted, config: config, train: data, eval: nil).fit()
        XCTAssertEqual(summary.steps, 36)
        let lossAfter = try probeLoss()
        print("IA³ plugin: loss on its 64 training sentences \(lossBefore) → \(lossAfter) after \(summary.steps) steps")
        XCTAssertLessThan(lossAfter, lossBefore - 0.02, "loss on the 64 training sentences: \(lossBefore) → \(lossAfter)")
        let own = try adapted.adapter("default").parameters(in: adapted)
        XCTAssertTrue(own.contains { $0.tensor.scalars.contains { $0 != 1 } }, "the IA³ vectors trained")

        let trained = try logits(adapted)
        XCTAssertGreaterThan(maxAbsDifference(trained, before), 1e-3)
        let saved = try scratchFolder("ia3-adapter")
        defer { try? FileManager.default.removeItem(at: saved) }
        try AdapterFiles.save(adapted, adapter: "default", to: saved, baseModelName: directory.path)
        let file = try SafeTensorsFile(contentsOf: saved.appendingPathComponent(AdapterFiles.weightsFile))
        let names = Set(file.entries.map(\.name))
        XCTAssertTrue(names.contains("base_model.model.bert.encoder.layer.0.attention.self.key.ia3_l"))
        XCTAssertTrue(names.contains("base_model.model.bert.encoder.layer.5.output.dense.ia3_l"))
        XCTAssertTrue(names.contains("base_model.model.classifier.weight"), "the head is saved as modules_to_save")
        XCTAssertFalse(names.contains { $0.contains("ia3_l.") }, "no suffix after ia3_l")
        let savedConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: saved.appendingPathComponent(AdapterFiles.configFile))) as? [String: Any]
        XCTAssertEqual(savedConfig?["peft_type"] as? String, "IA3")
        XCTAssertEqual(savedConfig?["feedforward_modules"] as? [String], ["output.dense"])

        let reloaded = try freshProcessLogits(model: directory, adapter: saved)
        XCTAssertEqual(reloaded.count, trained.count)
        XCTAssertLessThan(maxAbsDifference(reloaded, trained), 1e-6)

        try adapted.merge()
        XCTAssertLessThan(maxAbsDifference(try logits(adapted), trained), 1e-5, "merged into the weights")
        try adapted.unmerge()
        XCTAssertEqual(try logits(adapted), trained, "unmerge restores the base weights exactly")
    }

    /// The file mapped at `address` in this process (from /proc/self/maps).
    private func mappedFile(containing address: UnsafeMutableRawPointer) throws -> String? {
        let value = UInt(bitPattern: address)
        for line in try String(contentsOfFile: "/proc/self/maps", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let range = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            if fields.count >= 6, range.count == 2, range[0] <= value, value < range[1] { return fields[5...].joined(separator: " ") }
        }
        return nil
    }

    /// Logits of the fixture batch from `loraf run` in a new process that loads the model and the adapter.
    private func freshProcessLogits(model: URL, adapter: URL) throws -> [Float] {
        let batch = try fixtureBatch()
        func rows(_ t: IntTensor) -> String {
            "{" + (0..<t.shape[0]).map { "{" + t.row($0).map(String.init).joined(separator: ",") + "}" }.joined(separator: ",") + "}"
        }
        let script = """
            local model = loraf.load_model(\(String(reflecting: model.path)), {task = "classification", num_labels = 2})
            model:load_adapter(\(String(reflecting: adapter.path)), "reloaded")
            local out = model:forward{input_ids = \(rows(batch.inputIds)), attention_mask = \(rows(batch.attentionMask))}
            for _, row in ipairs(out.logits:totable()) do for _, v in ipairs(row) do print(string.format("%.9g", v)) end end
            """
        let result = try runLoraf(["run", "-e", script])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").compactMap { Float(String($0)) }
    }
}

/// The plugin's custom op (`Tensor.record` with its own backward) against finite differences, through a whole
/// tiny BERT with random IA³ vectors on every default target (output and input scaling both exercised).
final class IA3GradientTests: XCTestCase {
    func testVectorsGradientsMatchFiniteDifferences() throws {
        try loadIA3Plugin()
        let config = BertConfig(vocabSize: 10, hiddenSize: 4, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8,
                                maxPositionEmbeddings: 16)
        let model = AdaptedModel(try BertForSequenceClassification(config, numLabels: 2, seed: 7))
        model.base.eval()
        try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "ia3"), name: "default",
                        options: Options(["init_ia3_weights": .bool(false), "modules_to_save": .list([])], context: "test"))
        let vectors = try model.adapter("default").parameters(in: model).map(\.tensor)
        XCTAssertEqual(vectors.map(\.shape), [[4, 1], [4, 1], [1, 4], [1, 8]])
        let input = try ModelInput(inputIds: IntTensor(shape: [2, 4], scalars: [1, 4, 7, 2, 3, 3, 8, 0]),
                                     attentionMask: IntTensor(shape: [2, 4], scalars: [1, 1, 1, 1, 1, 1, 1, 0]))
        let report = try GradientCheck.run(vectors) { _ in try XCTUnwrap(model.forward(input, model.makeContext()).logits) }
        XCTAssertLessThan(report.worstRelativeError, 1e-2, "\(report)")
    }
}
