import XCTest
import LorafTestSupport
import Foundation
import LorafModels
import LorafStrategies
import LorafTensor
import LorafTokenizers
@testable import LorafTraining

/// The training loop on the real model and real SST-2 lines: learning, determinism, resume, NaN guard, schedule.
final class TrainerTests: XCTestCase {
    private func makeLoRAModel(seed: UInt64 = 0) throws -> AdaptedModel {
        let model = AdaptedModel(try ModelLoader.load(miniLMDirectory(), task: .classification(numLabels: 2), seed: seed))
        var options = Options(["r": .int(8), "lora_alpha": .int(16), "lora_dropout": .double(0.1), "target_modules": .list([.string("query"), .string("value")])], context: "test")
        try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "lora"), name: "sst2", options: options)
        options.ignore([])
        return model
    }

    private func data(_ file: String, range: Range<Int>, tokenizer: WordPieceTokenizer) throws -> TokenizedDataset {
        let all = try TextClassificationDataset.read(TestFiles.data("sst2/\(file)"), options: DatasetReadOptions(numLabels: 2))
        return try TokenizedDataset(TextClassificationDataset(examples: Array(all.examples[range])), tokenizer: tokenizer, maxLength: 64)
    }

    private func config(_ steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.batchSize = 16
        c.epochs = 1
        c.maxSteps = steps
        c.optimizer = .adamW(learningRate: 2e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        c.schedule = .linear(warmup: .steps(3))
        c.logEverySteps = 10
        c.progressStyle = .plainLines(every: 1_000_000)
        c.seed = 7
        return c
    }

    func testShortRunLowersLossAndBeatsChance() throws {
        let tokenizer = try WordPieceTokenizer(modelDirectory: miniLMDirectory())
        let model = try makeLoRAModel()
        let train = try data("train.txt", range: 0..<400, tokenizer: tokenizer)
        let dev = try data("dev.txt", range: 0..<200, tokenizer: tokenizer)
        var c = config(50)
        c.epochs = 2
        c.optimizer = .adamW(learningRate: 3e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        let trainer = Trainer(model: model, config: c, train: train, eval: dev)
        let before = try trainer.evaluate()
        let summary = try trainer.fit()
        let after = try XCTUnwrap(summary.finalEval)
        print(String(format: "short run: dev loss %.4f -> %.4f, accuracy %.3f -> %.3f, %.1f examples/s",
                     before.loss, after.loss, before["accuracy"]!, after["accuracy"]!, summary.examplesPerSecond))
        XCTAssertEqual(summary.steps, 50)
        // The steps' CPU time: something was computed, by at most every core of the machine (plus clock slack).
        XCTAssertGreaterThan(summary.trainCPUSeconds, 0)
        // The tensors' peak: at least the trainable parameters with their gradients, within the process's peak RSS.
        let trainable = model.trainableParameters.reduce(0) { $0 + $1.tensor.count } * MemoryLayout<Float>.stride
        XCTAssertGreaterThanOrEqual(summary.peakTensorBytes, 2 * trainable)
        XCTAssertLessThan(summary.peakTensorBytes, summary.peakRSSBytes)
        XCTAssertLessThanOrEqual(summary.trainCPUSeconds,
                                 summary.trainSeconds * Double(ProcessInfo.processInfo.activeProcessorCount) + 0.05)
        XCTAssertLessThan(after.loss, before.loss, "training lowers the dev loss")
        XCTAssertGreaterThan(after["accuracy"]!, 0.6, "beats chance (0.5) on unseen dev lines")
        let early = summary.lossHistory.prefix(5).map(\.value).reduce(0, +) / 5
        let late = summary.lossHistory.suffix(5).map(\.value).reduce(0, +) / 5
        XCTAssertLessThan(late, early, "the training loss falls")
    }

    func testResumeContinuesBitwise() throws {
        let tokenizer = try WordPieceTokenizer(modelDirectory: miniLMDirectory())
        let train = try data("train.txt", range: 0..<96, tokenizer: tokenizer)
        let folder = scratchURL("loraf-resume")

        var full = config(8)
        full.epochs = 2
        let uninterrupted = try makeLoRAModel()
        var steps: [(Double, Double)] = []
        let reference = Trainer(model: uninterrupted, config: full, train: train, eval: nil)
        reference.onStep = { steps.append(($0.loss, $0.learningRate)) }
        _ = try reference.fit()

        var first = full
        first.runDirectory = folder
        first.checkpointEverySteps = 5
        let interrupted = try makeLoRAModel()
        var resumedSteps: [(Double, Double)] = []
        let part1 = Trainer(model: interrupted, config: first, train: train, eval: nil)
        part1.onStep = { report in
            resumedSteps.append((report.loss, report.learningRate))
            if report.step == 6 { throw TrainingError.invalidConfig("simulated interruption") }
        }
        XCTAssertThrowsError(try part1.fit())
        resumedSteps.removeLast()  // step 6 is redone after resuming from the step-5 checkpoint

        var second = first
        second.resume = true
        let restarted = try makeLoRAModel()   // a fresh process would rebuild the model the same way
        let part2 = Trainer(model: restarted, config: second, train: train, eval: nil)
        part2.onStep = { resumedSteps.append(($0.loss, $0.learningRate)) }
        _ = try part2.fit()

        XCTAssertEqual(resumedSteps.map(\.0), steps.map(\.0), "same losses")
        XCTAssertEqual(resumedSteps.map(\.1), steps.map(\.1), "same learning rates")
        for ((path, a), (_, b)) in zip(uninterrupted.trainableParameters, restarted.trainableParameters) {
            XCTAssertEqual(a.scalars, b.scalars, "final weights of \(path)")
        }
        for name in ["metrics.jsonl", "plot.svg", "latest"] {
            XCTAssert(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), name)
        }
    }

    /// The trainer keeps frozen weights' packed operands between steps, and packs a weight again once it was written
    /// (`TensorStorage.version`): a weight a callback fills with NaN after step 2 reaches step 3's forward pass, with
    /// the fp32 operands and with the bf16 panels of compute_dtype = "bf16" (fp32 on a CPU without AVX512_BF16).
    func testAFrozenWeightWrittenByACallbackReachesTheNextStep() throws {
        let tokenizer = try WordPieceTokenizer(modelDirectory: miniLMDirectory())
        let train = try data("train.txt", range: 0..<64, tokenizer: tokenizer)
        for dtype in ComputeDType.allCases {
            let model = try makeLoRAModel()
            let frozen = try XCTUnwrap(model.base.namedParameters().first { $0.path == "bert.encoder.layer.2.intermediate.dense.weight" }?.tensor)
            XCTAssertFalse(frozen.requiresGrad)
            var settings = config(4)
            settings.computeDType = dtype
            let trainer = Trainer(model: model, config: settings, train: train, eval: nil)
            trainer.onStep = { report in
                if report.step == 2 { try frozen.assign(Tensor(repeating: .nan, shape: frozen.shape)) }
            }
            XCTAssertThrowsError(try trainer.fit(), "\(dtype)") { error in
                guard case let TrainingError.nonFiniteLoss(step, _, _) = error else { return XCTFail("\(dtype): \(error)") }
                XCTAssertEqual(step, 3, "\(dtype)")
            }
        }
    }

    func testWarmupLearningRatesAndNaNGuard() throws {
        let tokenizer = try WordPieceTokenizer(modelDirectory: miniLMDirectory())
        let train = try data("train.txt", range: 0..<64, tokenizer: tokenizer)
        var c = config(6)
        c.optimizer = .sgd(learningRate: 1.0, momentum: 0, weightDecay: 0, nesterov: false)
        c.schedule = .linear(warmup: .steps(4))
        c.maxSteps = 8
        c.epochs = 2   // 4 batches an epoch: 8 steps in all, so step 4 ends the warmup
        var rates: [Double] = []
        let trainer = Trainer(model: try makeLoRAModel(), config: c, train: train, eval: nil)
        trainer.onStep = { rates.append($0.learningRate) }
        _ = try? trainer.fit()
        XCTAssertEqual(Array(rates.prefix(4)), [0.25, 0.5, 0.75, 1.0])

        // An absurd learning rate makes the loss overflow: the run stops naming the step.
        var wild = config(20)
        wild.optimizer = .sgd(learningRate: 1e30, momentum: 0, weightDecay: 0, nesterov: false)
        wild.schedule = .constant
        wild.maxGradNorm = nil
        let diverging = Trainer(model: try makeLoRAModel(), config: wild, train: train, eval: nil)
        XCTAssertThrowsError(try diverging.fit()) { error in
            XCTAssert("\(error)".contains("training stopped at step"), "\(error)")
        }
    }
}
