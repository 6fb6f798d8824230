import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Loading from tokenizer.json and vocab.txt, and the errors for missing or malformed files.
final class TokenizerLoadingTests: XCTestCase {
    func testModelFolderSettingsAndSpecialIds() throws {
        let tokenizer = try TokenizerTestSupport.loadTokenizer()
        XCTAssertEqual(tokenizer.vocabSize, 30522)
        XCTAssertEqual(tokenizer.specialTokenIds,
                       SpecialTokenIds(cls: 101, sep: 102, pad: 0, unk: 100, mask: 103))
        XCTAssertEqual(tokenizer.truncation, TruncationSettings(maxLength: 128, strategy: .longestFirst, direction: .right))
        XCTAssertEqual(tokenizer.padding, PaddingSettings(fixedLength: 128, padId: 0, padTypeId: 0, padToken: "[PAD]"))
        XCTAssertEqual(tokenizer.normalizerOptions, BertNormalizerOptions(stripAccents: nil, lowercase: true))
        XCTAssertEqual(tokenizer.id(for: "hello"), 7592)
        XCTAssertEqual(tokenizer.token(for: 7592), "hello")
        XCTAssertNil(tokenizer.id(for: "not-a-token"))
        XCTAssertNil(tokenizer.token(for: -1))
        XCTAssertNil(tokenizer.token(for: 30522))
    }

    func testSyntheticFileLoadsAndTokenizes() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        try SyntheticTokenizerFile.write(to: folder)
        let tokenizer = try WordPieceTokenizer(modelDirectory: folder)
        XCTAssertNil(tokenizer.truncation)
        XCTAssertEqual(tokenizer.specialTokenIds, SpecialTokenIds(cls: 2, sep: 3, pad: 0, unk: 1, mask: 4))
        let encoding = try tokenizer.encode("Unaffable, a b!")
        XCTAssertEqual(encoding.tokens, ["[CLS]", "un", "##aff", "##able", ",", "a", "b", "!", "[SEP]"])
        XCTAssertEqual(encoding.offsets, [0..<0, 0..<2, 2..<5, 5..<9, 9..<10, 11..<12, 13..<14, 14..<15, 0..<0])
        XCTAssertEqual(try tokenizer.encode("unknown").tokens, ["[CLS]", "[UNK]", "[SEP]"])
    }

    func testMissingFolderNamesBothFiles() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let json = folder.appendingPathComponent("tokenizer.json").path
        let vocab = folder.appendingPathComponent("vocab.txt").path
        assertThrows(.missingFile(path: json + " (nor " + vocab + ")")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
        assertThrows(.missingFile(path: json)) {
            _ = try WordPieceTokenizer(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"))
        }
    }

    func testCorruptJSONIsUnreadable() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let url = folder.appendingPathComponent("tokenizer.json")
        try Data("{\"model\": {\"vocab\": ".utf8).write(to: url)
        XCTAssertThrowsError(try WordPieceTokenizer(modelDirectory: folder)) { error in
            guard case let .unreadableFile(path, reason)? = error as? TokenizerError else {
                return XCTFail("expected unreadableFile, got \(error)")
            }
            XCTAssertEqual(path, url.path)
            XCTAssertTrue(reason.contains("not valid JSON"), reason)
        }
    }

    func testMissingAndMistypedFieldsAreNamed() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let path = folder.appendingPathComponent("tokenizer.json").path
        try SyntheticTokenizerFile.writeEditingModel(to: folder) { model in model["vocab"] = nil }
        assertThrows(.malformedField(path: path, field: "model.vocab", reason: "required field is missing")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
        try SyntheticTokenizerFile.writeEditingModel(to: folder) { model in model["unk_token"] = 7 }
        assertThrows(.malformedField(path: path, field: "model.unk_token", reason: "expected a value of type String")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
    }

    func testInconsistentValuesAreRejected() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let path = folder.appendingPathComponent("tokenizer.json").path
        try SyntheticTokenizerFile.writeEditingModel(to: folder) { model in model["unk_token"] = "<unk>" }
        assertThrows(.malformedField(path: path, field: "model.unk_token",
                                     reason: "token '<unk>' is not in the vocabulary")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
        try SyntheticTokenizerFile.writeEditingModel(to: folder) { model in
            var vocab = model["vocab"] as! [String: Int]
            vocab["b"] = 40
            model["vocab"] = vocab
        }
        XCTAssertThrowsError(try WordPieceTokenizer(modelDirectory: folder)) { error in
            guard case let .malformedField(_, field, reason)? = error as? TokenizerError else {
                return XCTFail("expected malformedField, got \(error)")
            }
            XCTAssertEqual(field, "model.vocab")
            XCTAssertTrue(reason.contains("id 40"), reason)
        }
        try SyntheticTokenizerFile.write(to: folder) { json in
            json["post_processor"] = ["type": "TemplateProcessing",
                                      "single": [["SpecialToken": ["id": "[BOS]", "type_id": 0]]],
                                      "pair": [], "special_tokens": [:]]
        }
        assertThrows(.malformedField(path: path, field: "post_processor.special_tokens",
                                     reason: "no entry for '[BOS]' used in post_processor.single[0]")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
    }

    func testOtherPipelinesAreUnsupported() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let path = folder.appendingPathComponent("tokenizer.json").path
        try SyntheticTokenizerFile.writeEditingModel(to: folder) { model in model["type"] = "BPE" }
        assertThrows(.unsupported(path: path, field: "model.type", value: "'BPE'")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
        try SyntheticTokenizerFile.write(to: folder) { json in
            json["normalizer"] = ["type": "NFKC"]
        }
        assertThrows(.unsupported(path: path, field: "normalizer.type", value: "'NFKC'")) {
            _ = try WordPieceTokenizer(modelDirectory: folder)
        }
    }

    func testVocabularyTextFallback() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let url = folder.appendingPathComponent("vocab.txt")
        try Data((SyntheticTokenizerFile.vocabulary.joined(separator: "\n") + "\n").utf8).write(to: url)
        try Data(#"{"do_lower_case": false, "cls_token": {"content": "[CLS]"}}"#.utf8)
            .write(to: folder.appendingPathComponent("tokenizer_config.json"))
        let tokenizer = try WordPieceTokenizer(modelDirectory: folder)
        XCTAssertEqual(tokenizer.vocabSize, SyntheticTokenizerFile.vocabulary.count)
        XCTAssertEqual(tokenizer.normalizerOptions.lowercase, false)
        XCTAssertEqual(try tokenizer.encode("unaffable Unaffable").tokens,
                       ["[CLS]", "un", "##aff", "##able", "[UNK]", "[SEP]"])
    }

    func testVocabularyTextErrors() throws {
        let folder = try makeScratchFolder("loraf-tokenizer-tests")
        let url = folder.appendingPathComponent("vocab.txt")
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: url)
        assertThrows(.unreadableFile(path: url.path, reason: "not valid UTF-8")) {
            _ = try WordPieceTokenizer(vocabularyFile: url)
        }
        try Data("[PAD]\n[UNK]\n[SEP]\nhello\n".utf8).write(to: url)
        assertThrows(.malformedField(path: url.path, field: "(lines)",
                                     reason: "token '[CLS]' is not in the vocabulary")) {
            _ = try WordPieceTokenizer(vocabularyFile: url)
        }
        try Data().write(to: url)
        assertThrows(.malformedField(path: url.path, field: "(lines)", reason: "the vocabulary is empty")) {
            _ = try WordPieceTokenizer(vocabularyFile: url)
        }
    }

    func testErrorDescriptionsNameFileAndField() {
        let error = TokenizerError.malformedField(path: "/m/tokenizer.json", field: "model.vocab", reason: "bad")
        XCTAssertEqual(error.description, "tokenizer: /m/tokenizer.json: field 'model.vocab': bad")
    }
}
