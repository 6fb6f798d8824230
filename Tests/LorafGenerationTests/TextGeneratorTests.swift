import XCTest
import LorafTestSupport
import LorafModels
import LorafStrategies
import LorafTensor
@testable import LorafGeneration

/// Generation on the tiny random Llama of Tests/Fixtures/tiny_decoders (its ids decode to letters here).
final class TextGeneratorTests: XCTestCase {
    let letters: ([Int]) -> String = { ids in String(ids.map { Character(UnicodeScalar(UInt8(65 + $0 % 26))) }) }

    /// Decodes each id to one letter, as `letters` does.
    struct Letters: RowTextDecoder {
        mutating func append(_ id: Int) -> String { String(Character(UnicodeScalar(UInt8(65 + id % 26)))) }
        mutating func finish() -> String { "" }
    }

    func tinyModel() throws -> AdaptedModel {
        AdaptedModel(try ModelLoader.load(fixturesDirectory.appendingPathComponent("tiny_decoders/llama"), task: .causalLM))
    }

    /// Greedy continuation by full forward passes (no cache), one token at a time.
    func naiveGreedy(_ model: AdaptedModel, _ prompt: [Int], adapter: String?, steps: Int) throws -> [Int] {
        var ids = prompt, out: [Int] = []
        for _ in 0..<steps {
            let input = try ModelInput(inputIds: IntTensor(shape: [1, ids.count], scalars: ids), adapterNames: adapter.map { [$0] } ?? [nil])
            let logits = try GradMode.disabled { try model.forward(input, model.makeContext()) }.logits!
            let next = try logits.slice(axis: 1, (ids.count - 1)..<ids.count).argmax().scalars[0]
            out.append(next)
            ids.append(next)
        }
        return out
    }

    func testCachedGreedyEqualsNaiveGreedyForEachRowOfALeftPaddedBatch() throws {
        let model = try tinyModel()
        let generator = TextGenerator(model: model, padTokenId: 0, makeDecoder: { Letters() })
        let prompts = [[5, 9, 13], [4, 8, 15, 16, 23, 42], [7]]
        let results = try generator.generate(prompts: prompts, options: GenerationOptions(maxNewTokens: 6))
        for (row, prompt) in prompts.enumerated() {
            XCTAssertEqual(results[row].tokenIds, try naiveGreedy(model, prompt, adapter: nil, steps: 6), "row \(row)")
            XCTAssertEqual(results[row].finishReason, .length)
            XCTAssertEqual(results[row].text, letters(results[row].tokenIds))
        }
    }

    /// The LM head runs on each row's last position only, in the prefill too: [B, 1, H] → [B, 1, vocab], never the
    /// [B, S, vocab] of every prompt position (25 MB for a 128-token SmolLM2 prompt).
    func testHeadSeesOnlyTheLastPositionOfEachStep() throws {
        let model = try tinyModel()
        let head = try XCTUnwrap(model.base.module(at: "lm_head"))
        var shapes: [[Int]] = []
        head.forwardHooks.append(ForwardHook(id: 1) { logits in shapes.append(logits.shape); return logits })
        let generator = TextGenerator(model: model, padTokenId: 0, makeDecoder: { Letters() })
        let results = try generator.generate(prompts: [[4, 8, 15, 16, 23], [7, 3]], options: GenerationOptions(maxNewTokens: 3))
        XCTAssertEqual(results.map(\.tokenIds.count), [3, 3])
        let vocab = try XCTUnwrap(shapes.first?.last)
        XCTAssertEqual(shapes, Array(repeating: [2, 1, vocab], count: 3))
    }

    /// Each row uses its own adapter (or the base model) in one batch and gets what it gets alone.
    func testMixedAdapterBatchEqualsRowsAlone() throws {
        let model = try tinyModel()
        for name in ["a", "b"] {
            try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "lora"), name: name,
                            options: Options(["target_modules": .list(["q_proj", "v_proj", "down_proj"].map { .string($0) }), "r": .int(4),
                                              "init_lora_weights": .bool(false), "seed": .int(name == "a" ? 1 : 2)], context: "test"))
        }
        let generator = TextGenerator(model: model, padTokenId: 0, makeDecoder: { Letters() })
        let prompts = [[5, 9, 13], [4, 8, 15, 16], [7, 3]]
        let adapters: [String?] = ["a", nil, "b"]
        let batch = try generator.generate(prompts: prompts, adapters: adapters, options: GenerationOptions(maxNewTokens: 5))
        var differs = false
        for row in 0..<3 {
            XCTAssertEqual(batch[row].tokenIds, try naiveGreedy(model, prompts[row], adapter: adapters[row], steps: 5), "row \(row)")
            let base = try naiveGreedy(model, prompts[row], adapter: nil, steps: 5)
            differs = differs || batch[row].tokenIds != base
        }
        XCTAssert(differs, "the adapters should change some answer")
    }

    func testStopTokenStopStringAndCancellation() throws {
        let model = try tinyModel()
        let generator = TextGenerator(model: model, padTokenId: 0, makeDecoder: { Letters() })
        let free = try generator.generate(prompts: [[5, 9, 13]], options: GenerationOptions(maxNewTokens: 6))[0]
        let stopId = free.tokenIds[2]
        let stopped = try generator.generate(prompts: [[5, 9, 13]], options: GenerationOptions(maxNewTokens: 6, stopTokenIds: [stopId]))[0]
        XCTAssertEqual(stopped.finishReason, .stopToken)
        XCTAssertEqual(stopped.tokenIds, Array(free.tokenIds.prefix(free.tokenIds.firstIndex(of: stopId)! + 1)))
        let text = free.text
        let cut = String(text.dropFirst(2).prefix(2))
        let byString = try generator.generate(prompts: [[5, 9, 13]], options: GenerationOptions(maxNewTokens: 6, stopStrings: [cut]))[0]
        XCTAssertEqual(byString.finishReason, .stopString)
        XCTAssertEqual(byString.text, String(text[..<text.range(of: cut)!.lowerBound]))
        var pieces: [String] = []
        let cancelled = try generator.generate(prompts: [[5, 9, 13]], options: GenerationOptions(maxNewTokens: 6)) { _, piece in
            pieces.append(piece)
            return pieces.count < 2
        }[0]
        XCTAssertEqual(cancelled.finishReason, .cancelled)
        XCTAssertEqual(pieces.joined(), cancelled.text)
        XCTAssertEqual(cancelled.tokenIds.count, 2)
    }

    /// A whole-sequence decode function (RedecodingRowDecoder) streams the same pieces as a per-id decoder.
    func testRedecodingDecoderStreamsTheSamePieces() throws {
        let model = try tinyModel()
        var pieces: [[String]] = [[], []]
        for (index, generator) in [TextGenerator(model: model, padTokenId: 0, decode: letters),
                                   TextGenerator(model: model, padTokenId: 0, makeDecoder: { Letters() })].enumerated() {
            _ = try generator.generate(prompts: [[5, 9, 13]], options: GenerationOptions(maxNewTokens: 5)) { _, piece in
                pieces[index].append(piece)
                return true
            }
        }
        XCTAssertEqual(pieces[0], pieces[1])
        XCTAssertEqual(pieces[0].count, 5)
        var cut = RedecodingRowDecoder { ids in ids.count < 2 ? "a\u{FFFD}" : "a\u{E9}" }
        XCTAssertEqual(cut.append(1), "a", "a cut character is held back")
        XCTAssertEqual(cut.append(2), "\u{E9}")
        XCTAssertEqual(cut.finish(), "")
    }

    func testBadPromptsAndOptionsAreNamed() throws {
        let generator = TextGenerator(model: try tinyModel(), padTokenId: 0, makeDecoder: { Letters() })
        XCTAssertThrowsError(try generator.generate(prompts: [[1], []], options: GenerationOptions())) {
            XCTAssertEqual("\($0)", "every prompt needs at least one token")
        }
        XCTAssertThrowsError(try generator.generate(prompts: [[1]], options: GenerationOptions(sampling: SamplingOptions(topP: 0)))) {
            XCTAssertEqual("\($0)", "top_p must be in (0, 1], got 0.0")
        }
        XCTAssertThrowsError(try generator.generate(prompts: [[1]], adapters: ["nope"], options: GenerationOptions())) {
            XCTAssert("\($0)".contains("no adapter named 'nope'"), "\($0)")
        }
    }
}
