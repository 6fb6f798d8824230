import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// The real tokenizer for the tokenizer tests.
enum TokenizerTestSupport {
    /// The all-MiniLM-L6-v2 tokenizer loaded from tokenizer.json, with its truncation as in the file.
    static func loadTokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(modelDirectory: miniLMDirectory())
    }
}

/// A small synthetic tokenizer.json (BERT pipeline, ten-odd tokens) for tests that must not
/// depend on the downloaded model; `edit` changes the JSON object before it is written.
enum SyntheticTokenizerFile {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", "b", ",", "!"]

    static func object() -> [String: Any] {
        let vocab = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        let added = vocabulary.prefix(5).enumerated().map { id, token -> [String: Any] in
            ["id": id, "content": token, "special": true, "single_word": false,
             "lstrip": false, "rstrip": false, "normalized": false]
        }
        return [
            "version": "1.0",
            "truncation": NSNull(),
            "padding": NSNull(),
            "added_tokens": added,
            "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": NSNull(), "lowercase": true],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "post_processor": ["type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]],
            "decoder": ["type": "WordPiece", "prefix": "##", "cleanup": true],
            "model": ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": vocab],
        ]
    }

    /// Writes the (edited) file as `folder/tokenizer.json` and returns its URL.
    @discardableResult
    static func write(to folder: URL, edit: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
        var json = object()
        edit(&json)
        let url = folder.appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    /// Writes the file with its `model` object changed by `editModel`, as `folder/tokenizer.json`.
    @discardableResult
    static func writeEditingModel(to folder: URL, _ editModel: (inout [String: Any]) -> Void) throws -> URL {
        try write(to: folder) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            editModel(&model)
            json["model"] = model
        }
    }
}

extension XCTestCase {
    /// Asserts that `body` throws exactly `expected`.
    func assertThrows(_ expected: TokenizerError, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? TokenizerError, expected, "\(error)", file: file, line: line)
        }
    }
}
