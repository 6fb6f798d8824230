import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Byte-level BPE from small synthetic tokenizer.json files and GGUF arrays: the file forms of
/// Llama 3 / Qwen2 / SmolLM, and bad input, each with its message.
final class BPELoadingTests: XCTestCase {
    /// The 256 alphabet characters (ids 0-255), "Ġh" (256), "Ġhi" (257), and `<|begin_of_text|>` (258).
    private static let alphabet = ByteLevelAlphabet.characterOfByte.map { String($0) }

    private func bpeFile(edit: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
        var vocab = Dictionary(uniqueKeysWithValues: Self.alphabet.enumerated().map { ($1, $0) })
        vocab["Ġh"] = 256
        vocab["Ġhi"] = 257
        var json: [String: Any] = [
            "added_tokens": [["id": 258, "content": "<|begin_of_text|>", "special": true, "single_word": false,
                              "lstrip": false, "rstrip": false, "normalized": false]],
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
            "post_processor": ["type": "ByteLevel"],
            "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": vocab, "merges": [["Ġ", "h"], "Ġh i"], "ignore_merges": false],
        ]
        edit(&json)
        let url = try makeScratchFolder("loraf-bpe-tests").appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    private static let llama3Regex = BPETokenizerJSONLoader.splitRegexes.first { $0.value == .llama3 }!.key

    func testLlama3FileFormWithTemplateAndNFC() throws {
        let url = try bpeFile { json in
            json["normalizer"] = ["type": "NFC"]
            json["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
                ["type": "Split", "pattern": ["Regex": Self.llama3Regex], "behavior": "Isolated", "invert": false],
                ["type": "ByteLevel", "add_prefix_space": false, "use_regex": false]]]
            json["post_processor"] = ["type": "Sequence", "processors": [
                ["type": "ByteLevel"],
                ["type": "TemplateProcessing",
                 "single": [["SpecialToken": ["id": "<|begin_of_text|>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                 "pair": [], "special_tokens": ["<|begin_of_text|>": ["id": "<|begin_of_text|>", "ids": [258], "tokens": ["<|begin_of_text|>"]]]]]]
        }
        let tokenizer = try AutoTokenizer.load(tokenizerJSON: url)
        XCTAssertEqual((tokenizer as? ByteLevelBPETokenizer)?.preTokenizerKind, .llama3)
        XCTAssertEqual(tokenizer.bosTokenId, 258)
        XCTAssertEqual(try tokenizer.encodeIds(" hi"), [258, 257])
        // NFC: e + U+0301 becomes é (C3 A9) before the bytes are taken.
        let ids = try tokenizer.encodeIds("e\u{301}", addSpecialTokens: false)
        XCTAssertEqual(ids, [0xC3, 0xA9].map { Self.alphabet.firstIndex(of: String(ByteLevelAlphabet.characterOfByte[$0]))! })
        XCTAssertEqual(try tokenizer.decode([258, 257], skipSpecialTokens: true), " hi")
        XCTAssertEqual(try tokenizer.decode([258, 257], skipSpecialTokens: false), "<|begin_of_text|> hi")
    }

    func testSmolLMSequenceFormAndPrefixSpace() throws {
        let smol = try AutoTokenizer.load(tokenizerJSON: try bpeFile { json in
            json["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true], ["type": "ByteLevel", "add_prefix_space": false]]]
        })
        XCTAssertEqual((smol as? ByteLevelBPETokenizer)?.preTokenizerKind, .smollm)
        let spaced = try AutoTokenizer.load(tokenizerJSON: try bpeFile { json in
            json["pre_tokenizer"] = ["type": "ByteLevel", "add_prefix_space": true]
        })
        XCTAssertEqual(try spaced.encodeIds("hi", addSpecialTokens: false), [257])
    }

    func testUnknownModelTypeIsUnsupported() throws {
        let url = try bpeFile { json in json["model"] = ["type": "Unigram", "vocab": [["a", 0.0]]] }
        assertThrows(.unsupported(path: url.path, field: "model.type", value: "'Unigram' (supported: WordPiece, BPE)")) {
            _ = try AutoTokenizer.load(tokenizerJSON: url)
        }
    }

    func testMergesNamingUnknownTokensAreRejected() throws {
        let url = try bpeFile { json in
            var model = json["model"] as! [String: Any]
            model["merges"] = ["Ġ h", "h Ġh"]
            json["model"] = model
        }
        assertThrows(.malformedField(path: url.path, field: "model.merges[1]",
                                     reason: "merge 'h Ġh' names 'hĠh', which is not in the vocabulary")) {
            _ = try AutoTokenizer.load(tokenizerJSON: url)
        }
        let missing = try bpeFile { json in
            var model = json["model"] as! [String: Any]
            model["merges"] = nil
            json["model"] = model
        }
        assertThrows(.malformedField(path: missing.path, field: "model.merges", reason: "required field is missing")) {
            _ = try AutoTokenizer.load(tokenizerJSON: missing)
        }
    }

    func testOtherPreTokenizersAreUnsupported() throws {
        let url = try bpeFile { json in json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"] }
        XCTAssertThrowsError(try AutoTokenizer.load(tokenizerJSON: url)) { error in
            guard case let .unsupported(_, field, value)? = error as? TokenizerError else {
                return XCTFail("expected unsupported, got \(error)")
            }
            XCTAssertEqual(field, "pre_tokenizer")
            XCTAssertTrue(value.contains("Metaspace"), value)
        }
    }

    func testGGUFArrayErrorsNameTheKey() throws {
        let good = GGUFTokenizerMetadata(model: "gpt2", preTokenizer: "gpt2", tokens: ["a", "b", "ab"],
                                         tokenTypes: [1, 1, 1], merges: ["a b"])
        XCTAssertEqual(try AutoTokenizer.load(gguf: good).encodeIds("ab", addSpecialTokens: false), [2])
        var metadata = good
        metadata.tokenTypes = [1, 1]
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.token_type",
                                     reason: "has 2 entries but tokenizer.ggml.tokens has 3")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = good
        metadata.merges = ["a b", "ab"]
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.merges[1]",
                                     reason: "merge 'ab' is not two tokens separated by a space")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = good
        metadata.merges = ["b a"]
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.merges[0]",
                                     reason: "merge 'b a' names 'ba', which is not in the vocabulary")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = good
        metadata.eosTokenId = 3
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.eos_token_id",
                                     reason: "id 3 is outside the vocabulary 0..<3")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = good
        metadata.preTokenizer = "tekken"
        assertThrows(.unsupported(path: "GGUF metadata", field: "tokenizer.ggml.pre",
                                  value: "'tekken' (supported: gpt2, llama3, qwen2, smollm families)")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = good
        metadata.tokens = ["a", "b", "a"]
        metadata.merges = []
        assertThrows(.malformedField(path: "GGUF metadata", field: "tokenizer.ggml.tokens",
                                     reason: "token 'a' appears at ids 0 and 2")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
        metadata = good
        metadata.model = "bert"
        assertThrows(.unsupported(path: "GGUF metadata", field: "tokenizer.ggml.model",
                                  value: "'bert' (supported: gpt2, llama)")) {
            _ = try AutoTokenizer.load(gguf: metadata)
        }
    }
}
