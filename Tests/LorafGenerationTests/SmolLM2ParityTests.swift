import XCTest
import Foundation
import LorafTestSupport
import LorafFormats
import LorafModels
import LorafTemplates
import LorafTensor
@testable import LorafGeneration

/// SmolLM2-135M-Instruct from its Q4_1 GGUF against transformers' outputs for the same file
/// (Tests/Fixtures/smollm2: README there).
final class SmolLM2ParityTests: XCTestCase {
    nonisolated(unsafe) static var loaded: LanguageModel?
    let fixtures = fixturesDirectory.appendingPathComponent("smollm2")

    func languageModel() throws -> LanguageModel {
        if let lm = Self.loaded { return lm }
        let lm = try LanguageModel.load(smolLM2GGUF())
        Self.loaded = lm
        return lm
    }

    func testWeightsStayInTheirBlocks() throws {
        let lm = try languageModel()
        let q = try XCTUnwrap(lm.model.base.module(at: "model.layers.0.self_attn.q_proj") as? QuantizedLinear)
        XCTAssertEqual(q.weight.format.description, "Q4_1")
        XCTAssertEqual([q.outFeatures, q.inFeatures], [576, 576])
        let embed = try XCTUnwrap(lm.model.base.module(at: "model.embed_tokens") as? QuantizedEmbedding)
        XCTAssertEqual(embed.weight.format.description, "Q8_0")
        let head = try XCTUnwrap(lm.model.base.module(at: "lm_head") as? QuantizedLinear)
        XCTAssert(head.weight === embed.weight, "the tied lm_head reads the embedding's blocks")
        let floats = lm.model.base.namedParameters().reduce(0) { $0 + $1.tensor.count }
        XCTAssertEqual(floats, 576 * 61, "only the 61 RMSNorm weights are Float32")
    }

    func testPromptLogitsMatchTransformers() throws {
        let lm = try languageModel()
        let fixture = try SafeTensorsFile(contentsOf: fixtures.appendingPathComponent("prompt_logits.safetensors"))
        let ids = try fixture.intTensor("input_ids")
        let logits = try XCTUnwrap(GradMode.disabled { try lm.model.forward(ModelInput(inputIds: ids), lm.model.makeContext()) }.logits)
        let (s, vocab) = (ids.shape[1], 49152)
        XCTAssertEqual(logits.shape, [1, s, vocab])
        let last = Array(logits.scalars[((s - 1) * vocab)...])
        let expectedLast = try fixture.tensor("logits_last").scalars
        XCTAssertLessThan(maxAbsDifference(last, expectedLast), 2e-3, "last-position logits")
        let first2048 = try fixture.tensor("logits_first2048").scalars
        var ours: [Float] = []
        for p in 0..<s { ours += logits.scalars[(p * vocab)..<(p * vocab + 2048)] }
        XCTAssertLessThan(maxAbsDifference(ours, first2048), 2e-3, "logits of ids 0..<2048 at every position")
        for p in 0..<s {
            let mine = ours[(p * 2048)..<((p + 1) * 2048)], theirs = first2048[(p * 2048)..<((p + 1) * 2048)]
            XCTAssertEqual(mine.firstIndex(of: mine.max()!), theirs.firstIndex(of: theirs.max()!), "argmax among ids 0..<2048 at position \(p)")
        }
        XCTAssertEqual(last.firstIndex(of: last.max()!), expectedLast.firstIndex(of: expectedLast.max()!))
    }

    func testGreedyAnswerMatchesTransformers() throws {
        let lm = try languageModel()
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("greedy.json"))) as! [String: Any]
        let answer = try lm.chat([ChatMessage(role: "user", content: "What is the capital of France?")],
                                 options: GenerationOptions(maxNewTokens: 20))
        XCTAssertEqual(answer.tokenIds, reference["greedy_ids"] as? [Int])
        XCTAssertEqual(answer.finishReason, .stopToken)
        XCTAssertEqual(answer.text, "The capital of France is Paris.")
    }

    func testChatTemplateAndTokenizerFromTheGGUF() throws {
        let lm = try languageModel()
        let parity = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("tokenizer_parity.json"))) as! [String: Any]
        for chat in parity["chat_templates"] as! [[String: Any]] {
            let messages = (chat["messages"] as! [[String: String]]).map { ChatMessage(role: $0["role"]!, content: $0["content"]!) }
            let text = try lm.applyChatTemplate(messages)
            XCTAssertEqual(text, chat["text"] as? String)
            XCTAssertEqual(try lm.encode(text, chat: true), chat["ids"] as? [Int])
        }
        var mismatches = 0
        for case let item as [String: Any] in parity["cases"] as! [Any] {
            let text = item["text"] as! String
            if try lm.tokenizer.encodeIds(text, addSpecialTokens: false) != item["ids"] as! [Int] { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0, "texts whose ids differ from the reference tokenizer's")
    }

    func testStreamingPiecesJoinToTheAnswer() throws {
        let lm = try languageModel()
        var pieces: [String] = []
        let answer = try lm.chat([ChatMessage(role: "user", content: "What is the capital of France?")],
                                 options: GenerationOptions(maxNewTokens: 20)) { pieces.append($0); return true }
        XCTAssertGreaterThan(pieces.count, 3)
        XCTAssertEqual(pieces.joined(), answer.text)
    }
}
