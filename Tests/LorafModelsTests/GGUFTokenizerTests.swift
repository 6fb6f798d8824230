import Foundation
import XCTest
@testable import LorafFormats
import LorafTestSupport
import LorafTokenizers
@testable import LorafModels

/// The tokenizer of the real SmolLM2 GGUF (tokenizer.ggml.* read by `GGUFFile`, mapped by
/// `ModelTextFiles.tokenizerMetadata`) gives transformers' ids for every text of
/// Tests/Fixtures/smollm2/tokenizer_parity.json and both rendered chats.
final class GGUFTokenizerTests: XCTestCase {
    func testSmolLM2GGUFTokenizerGivesTheReferenceIds() throws {
        let file = try GGUFFile(contentsOf: smolLM2GGUF())
        let metadata = try ModelTextFiles.tokenizerMetadata(file.metadata)
        XCTAssertEqual(metadata.model, "gpt2")
        XCTAssertEqual(metadata.preTokenizer, "smollm")
        XCTAssertEqual(metadata.addBosToken, false)
        let tokenizer = try AutoTokenizer.load(gguf: metadata)
        XCTAssertEqual((tokenizer as? ByteLevelBPETokenizer)?.preTokenizerKind, .smollm)
        XCTAssertEqual(tokenizer.vocabSize, 49152)
        XCTAssertEqual([tokenizer.bosTokenId, tokenizer.eosTokenId, tokenizer.padTokenId, tokenizer.unknownTokenId],
                       [1, 2, 2, 0])
        let parity = try SmolLM2TokenizerParity.load()
        XCTAssertEqual(parity.cases.count, 317)
        var mismatches: [String] = []
        for item in parity.cases + parity.chatTemplates {
            let ids = try tokenizer.encodeIds(item.text, addSpecialTokens: true)
            if ids != item.ids { mismatches.append("\(item.text.prefix(60).debugDescription): got \(ids.prefix(30))") }
            if try tokenizer.decode(ids, skipSpecialTokens: false) != item.text {
                mismatches.append("\(item.text.prefix(60).debugDescription): decode differs")
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) differences; first:\n" + mismatches.prefix(5).joined(separator: "\n"))
    }

    func testWrongKeyTypesNameTheKey() throws {
        let metadata = try GGUFMetadata(entries: [
            .init("tokenizer.ggml.model", .string("gpt2")),
            .init("tokenizer.ggml.tokens", .string("not an array")),
        ], file: "test.gguf")
        XCTAssertThrowsError(try ModelTextFiles.tokenizerMetadata(metadata)) { error in
            XCTAssertTrue("\(error)".contains("tokenizer.ggml.tokens"), "\(error)")
        }
    }
}
