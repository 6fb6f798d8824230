import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// SentencePiece vocabularies (GGUF `tokenizer.ggml.model` "llama") against the Python
/// `sentencepiece` package: a 1,000-piece BPE model trained with Llama 2's settings (byte
/// fallback, split digits, identity normalization, dummy prefix) by
/// scripts/dev/make_sentencepiece_fixture.py, with the ids `sentencepiece` gives for 217 texts.
final class SentencePieceTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int]
        }
        let tokens: [String]
        let scores: [Float]
        let tokenTypes: [Int32]
        let cases: [Case]
        enum CodingKeys: String, CodingKey {
            case tokens, scores, cases
            case tokenTypes = "token_types"
        }
    }

    private static func fixture() throws -> Fixture {
        let url = fixturesDirectory.appendingPathComponent("sentencepiece/llama_style_vocab.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private static func metadata(_ fixture: Fixture) -> GGUFTokenizerMetadata {
        GGUFTokenizerMetadata(model: "llama", tokens: fixture.tokens, tokenTypes: fixture.tokenTypes,
                              scores: fixture.scores)
    }

    /// The fixture's vocabulary as a tokenizer (GGUF defaults: BOS added, space prefix).
    static func loadFixtureTokenizer() throws -> any Tokenizer {
        try AutoTokenizer.load(gguf: metadata(fixture()))
    }

    private func fixture() throws -> Fixture { try Self.fixture() }
    private func metadata(_ fixture: Fixture) -> GGUFTokenizerMetadata { Self.metadata(fixture) }

    func testIdsMatchSentencePieceAndDecodeRoundTrips() throws {
        let fixture = try fixture()
        let tokenizer = try AutoTokenizer.load(gguf: metadata(fixture))
        XCTAssertTrue(tokenizer is SentencePieceTokenizer)
        var mismatches: [String] = []
        for item in fixture.cases {
            let ids = try tokenizer.encodeIds(item.text, addSpecialTokens: false)
            if ids != item.ids { mismatches.append("\(item.text.debugDescription): expected \(item.ids), got \(ids)") }
            let decoded = try tokenizer.decode(ids, skipSpecialTokens: true)
            if decoded != item.text { mismatches.append("\(item.text.debugDescription): decoded \(decoded.debugDescription)") }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) differences; first:\n" + mismatches.prefix(5).joined(separator: "\n"))
    }

    func testSpecialTokensFollowLlamaCpp() throws {
        let tokenizer = try AutoTokenizer.load(gguf: metadata(try fixture()))
        XCTAssertEqual(tokenizer.bosTokenId, 1)
        XCTAssertEqual(tokenizer.eosTokenId, 2)
        XCTAssertEqual(tokenizer.unknownTokenId, 0)
        let plain = try tokenizer.encodeIds("hello", addSpecialTokens: false)
        XCTAssertEqual(try tokenizer.encodeIds("hello"), [1] + plain, "BOS by default, no EOS")
        XCTAssertEqual(try tokenizer.decode([1] + plain + [2], skipSpecialTokens: true), "hello")
        XCTAssertEqual(try tokenizer.decode([1] + plain, skipSpecialTokens: false), "<s> hello")
        // A user-defined token is matched whole; the text after it gets the space prefix again (llama.cpp).
        let user = try XCTUnwrap(tokenizer.id(for: "<|user|>"))
        XCTAssertEqual(try tokenizer.encodeIds("hello<|user|>hello", addSpecialTokens: false), plain + [user] + plain)
        XCTAssertFalse(tokenizer.isSpecial(user))
        XCTAssertTrue(tokenizer.isSpecial(1))
    }

    func testStreamingKeepsSpacesAndBytes() throws {
        let tokenizer = try AutoTokenizer.load(gguf: metadata(try fixture()))
        let text = "emoji 😀 and café déjà vu"
        var stream = StreamingDecoder(tokenizer: tokenizer)
        var output = ""
        for id in try tokenizer.encodeIds(text) { output += try stream.append(id) }
        output += stream.finish()
        XCTAssertEqual(output, text)
    }

    func testMissingScoresAndBadTypesAreErrors() throws {
        var metadata = metadata(try fixture())
        metadata.scores = nil
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.scores",
                                     reason: "required field is missing (needed by model llama)")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = self.metadata(try fixture())
        metadata.scores = [0]
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.scores",
                                     reason: "has 1 entries but tokenizer.ggml.tokens has 1000")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
    }
}
