import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// The SmolLM2 tokenizer fixtures (Tests/Fixtures/smollm2): the reference ids, and the two
/// sources a SmolLM2 tokenizer is built from here.
enum SmolLM2Fixtures {
    static let folder = fixturesDirectory.appendingPathComponent("smollm2")

    struct ParityFile: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int]
        }
        let cases: [Case]
        let chatTemplates: [Case]
        enum CodingKeys: String, CodingKey {
            case cases
            case chatTemplates = "chat_templates"
        }
    }

    static func parity() throws -> ParityFile {
        try JSONDecoder().decode(ParityFile.self,
                                 from: Data(contentsOf: folder.appendingPathComponent("tokenizer_parity.json")))
    }

    /// The `tokenizer.ggml.*` arrays of the real GGUF, dumped by scripts/dev/make_smollm2_tokenizer_fixtures.py.
    static func ggufMetadata() throws -> GGUFTokenizerMetadata {
        struct Arrays: Decodable {
            let model: String
            let pre: String
            let tokens: [String]
            let tokenType: [Int32]
            let merges: [String]
            let bos, eos, unknown, padding: Int
            let addBos: Bool
            enum CodingKeys: String, CodingKey {
                case model = "tokenizer.ggml.model", pre = "tokenizer.ggml.pre", tokens = "tokenizer.ggml.tokens"
                case tokenType = "tokenizer.ggml.token_type", merges = "tokenizer.ggml.merges"
                case bos = "tokenizer.ggml.bos_token_id", eos = "tokenizer.ggml.eos_token_id"
                case unknown = "tokenizer.ggml.unknown_token_id", padding = "tokenizer.ggml.padding_token_id"
                case addBos = "tokenizer.ggml.add_bos_token"
            }
        }
        let arrays = try JSONDecoder().decode(
            Arrays.self, from: Data(contentsOf: folder.appendingPathComponent("gguf_tokenizer_arrays.json")))
        return GGUFTokenizerMetadata(model: arrays.model, preTokenizer: arrays.pre, tokens: arrays.tokens,
                                     tokenTypes: arrays.tokenType, merges: arrays.merges, bosTokenId: arrays.bos,
                                     eosTokenId: arrays.eos, unknownTokenId: arrays.unknown,
                                     paddingTokenId: arrays.padding, addBosToken: arrays.addBos)
    }

    /// Asserts ids equal to the fixture for every case and chat render, and decode(encode(t)) == t.
    static func assertParity(_ tokenizer: any Tokenizer, source: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try parity()
        XCTAssertEqual(fixture.cases.count, 317, file: file, line: line)
        var mismatches: [String] = []
        for (index, item) in (fixture.cases + fixture.chatTemplates).enumerated() {
            let ids = try tokenizer.encodeIds(item.text, addSpecialTokens: false)
            if ids != item.ids {
                mismatches.append("case \(index) \(item.text.prefix(60).debugDescription):\n  expected \(item.ids.prefix(40))\n  got      \(ids.prefix(40))")
            }
            let decoded = try tokenizer.decode(ids, skipSpecialTokens: false)
            if decoded != item.text {
                mismatches.append("case \(index): decode gives \(decoded.prefix(60).debugDescription)")
            }
        }
        XCTAssert(mismatches.isEmpty, "\(source): \(mismatches.count) differences; first:\n"
                  + mismatches.prefix(5).joined(separator: "\n"), file: file, line: line)
    }
}
