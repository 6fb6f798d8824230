import XCTest
import LorafTestSupport
import Foundation
import LorafGeneration
import LorafModels
import LorafStrategies
import LorafTemplates
import LorafTensor
@testable import LorafTraining

/// Causal-LM training through the task-neutral trainer on SmolLM2-135M-Instruct (Q4_1 base, LoRA): the loss at
/// scored positions only, packing without attention across examples, learning, and exact resume.
final class CausalLMTrainingTests: XCTestCase {
    private func loadModel(lora: Bool = true) throws -> LanguageModel {
        let lm = try LanguageModel.load(smolLM2GGUF())
        if lora {
            var options = Options(["r": .int(8), "lora_alpha": .int(16), "target_modules": .list(["q_proj", "v_proj", "down_proj"].map { .string($0) })],
                                  context: "test")
            try lm.model.adapt(strategy: StrategyRegistry.shared.strategy(named: "lora"), name: "default", options: options)
            options.ignore([])
        }
        return lm
    }

    /// SST-2 sentences as one-word sentiment chats with a short system turn (short prompts keep the test fast).
    private func records(_ file: String, _ range: Range<Int>) throws -> [InstructionRecord] {
        let all = try TextClassificationDataset.read(TestFiles.data("sst2/\(file)"), options: DatasetReadOptions(numLabels: 2))
        return all.examples[range].map { example in
            InstructionRecord(content: .chat([
                ChatMessage(role: "system", content: "Answer positive or negative."),
                ChatMessage(role: "user", content: example.text),
                ChatMessage(role: "assistant", content: example.label == 1 ? "positive" : "negative"),
            ]), source: example.source ?? SourceLocation(file: file, line: 0))
        }
    }

    private func task(_ lm: LanguageModel, _ records: [InstructionRecord], packing: Bool = false, maxLength: Int = 96) throws -> CausalLMTask {
        let tokenizer = InstructionTokenizer(tokenizer: lm.tokenizer, chatTemplate: lm.chatTemplate, specialTokens: lm.specialTokens,
                                             options: InstructionOptions(trainOn: .assistant, maxLength: maxLength))
        return try CausalLMTask(InstructionDataset(records: records, tokenizer: tokenizer), padTokenId: lm.tokenizer.padTokenId ?? 0, packing: packing)
    }

    func testScoredPositionsGiveTheLossOfTheFullLogits() throws {
        let lm = try loadModel()
        let task = try task(lm, records("train.txt", 0..<3))
        lm.model.base.eval()
        let indices = [0, 1, 2]
        let normalizer = task.lossWeight(indices)
        XCTAssertEqual(normalizer, 6, "'positive'/'negative' and <|im_end|> in each of the 3 answers")
        let scored = try GradMode.disabled { try task.loss(of: indices, normalizer: normalizer, model: lm.model, context: lm.model.makeContext()).loss.item() }
        let batch = try CausalLMBatch(rows: indices.map { task.rows[$0] }, padTokenId: 0)
        let full = try GradMode.disabled {
            let logits = try XCTUnwrap(lm.model.forward(ModelInput(inputIds: batch.inputIds, attentionMask: batch.attentionMask), lm.model.makeContext()).logits)
            return try CausalLMLoss(logits: logits, labels: batch.labels).mean.item()
        }
        XCTAssertEqual(scored, full, accuracy: 1e-5 * abs(full), "logits only where labels are scored: the same loss")
    }

    func testPackedRowsScoreAsTheirExamplesAlone() throws {
        let lm = try loadModel()
        let examples = try records("train.txt", 0..<6)
        let unpacked = try task(lm, examples), packed = try task(lm, examples, packing: true, maxLength: 200)
        XCTAssertEqual(unpacked.count, 6)
        XCTAssertLessThan(packed.count, 6, "short chats share rows")
        XCTAssertEqual(packed.lengths.reduce(0, +), unpacked.lengths.reduce(0, +), "packing adds no padding")
        lm.model.base.eval()
        let weight = unpacked.lossWeight(Array(0..<6))
        XCTAssertEqual(packed.lossWeight(Array(0..<packed.count)), weight, "each example's first label is not scored anyway")
        func loss(_ task: CausalLMTask) throws -> Float {
            try GradMode.disabled {
                try task.loss(of: Array(0..<task.count), normalizer: weight, model: lm.model, context: lm.model.makeContext()).loss.item()
            }
        }
        let a = try loss(unpacked), b = try loss(packed)
        XCTAssertEqual(a, b, accuracy: 1e-5 * abs(a), "segments keep packed examples apart; positions restart at 0")
    }

    private func config(steps: Int, learningRate: Double = 2e-3) -> TrainingConfig {
        var c = TrainingConfig()
        c.batchSize = 4
        c.evalBatchSize = 8
        c.epochs = 1
        c.maxSteps = steps
        c.optimizer = .adamW(learningRate: learningRate, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        c.schedule = .constant
        c.logEverySteps = 100
        c.progressStyle = .plainLines(every: 1_000_000)
        c.seed = 11
        return c
    }

    func testShortRunLowersEvalLossAndChangesTheGreedyAnswer() throws {
        let lm = try loadModel()
        let train = try task(lm, records("train.txt", 0..<48))
        var dev = try task(lm, records("dev.txt", 0..<8))
        let stops = lm.withDefaultStops(GenerationOptions()).stopTokenIds
        let tokenizer = lm.tokenizer
        dev.generationCheck = GenerationCheck(maxNewTokens: 4, stopTokenIds: stops) { (try? tokenizer.decode($0, skipSpecialTokens: true)) ?? "" }
        let prompt = try lm.encode(lm.applyChatTemplate([ChatMessage(role: "system", content: "Answer positive or negative."),
                                                        ChatMessage(role: "user", content: "a gorgeous , witty , seductive movie .")]), chat: true)
        let answer = { try lm.generator.generate(prompts: [prompt], options: GenerationOptions(maxNewTokens: 6, stopTokenIds: stops))[0].text }
        let answerBefore = try answer()

        let trainer = Trainer(model: lm.model, config: config(steps: 12), task: train, evaluation: dev)
        let before = try trainer.evaluate()
        let summary = try trainer.fit()
        let after = try XCTUnwrap(summary.finalEval)
        let answerAfter = try answer()
        print("causal LM short run: eval loss \(before.loss) -> \(after.loss), generation accuracy \(before["generation_accuracy"]!) -> "
              + "\(after["generation_accuracy"]!), answer \(answerBefore.debugDescription) -> \(answerAfter.debugDescription), "
              + "\(summary.tokensPerSecond) tokens/s")
        XCTAssertEqual(summary.steps, 12)
        XCTAssertLessThan(after.loss, before.loss * 0.5, "the answers are learned")
        XCTAssertEqual(after["perplexity"]!, Foundation.exp(after.loss), accuracy: 1e-9)
        XCTAssertNotEqual(answerAfter, answerBefore, "training changes the greedy answer")
        XCTAssertEqual(answerAfter, "positive")
        XCTAssertGreaterThan(after["generation_accuracy"]!, before["generation_accuracy"]!)
    }

    func testResumeContinuesBitwise() throws {
        let folder = scratchURL("loraf-causal-resume")
        let examples = try records("train.txt", 0..<16)
        var full = config(steps: 4, learningRate: 1e-3)
        full.batchSize = 2
        full.gradientAccumulationSteps = 2
        let uninterrupted = try loadModel()
        var losses: [Double] = []
        let reference = Trainer(model: uninterrupted.model, config: full, task: try task(uninterrupted, examples), evaluation: nil)
        reference.onStep = { losses.append($0.loss) }
        _ = try reference.fit()

        var first = full
        first.runDirectory = folder
        first.checkpointEverySteps = 2
        let interrupted = try loadModel()
        var resumed: [Double] = []
        let part1 = Trainer(model: interrupted.model, config: first, task: try task(interrupted, examples), evaluation: nil)
        part1.onStep = { report in
            resumed.append(report.loss)
            if report.step == 3 { throw TrainingError.invalidConfig("simulated interruption") }
        }
        XCTAssertThrowsError(try part1.fit())
        resumed.removeLast()  // step 3 is redone from the step-2 checkpoint
        var second = first
        second.resume = true
        let restarted = try loadModel()
        let part2 = Trainer(model: restarted.model, config: second, task: try task(restarted, examples), evaluation: nil)
        part2.onStep = { resumed.append($0.loss) }
        _ = try part2.fit()

        XCTAssertEqual(resumed, losses, "same losses")
        for ((path, a), (_, b)) in zip(uninterrupted.model.trainableParameters, restarted.model.trainableParameters) {
            XCTAssertEqual(a.scalars, b.scalars, "final weights of \(path)")
        }
    }
}
