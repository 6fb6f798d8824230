import Foundation
import XCTest
@testable import LorafTokenizers

/// Paths shared by the tokenizer tests: the package root is the first folder above this file
/// that holds Package.swift.
enum TokenizerTestSupport {
    static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    static let modelDirectory = packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    static let fixturesDirectory = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// The model folder, or an `XCTSkip` naming scripts/fetch_model.sh when it has not been fetched.
    static func requireModelDirectory() throws -> URL {
        let json = modelDirectory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: json.path) else {
            throw XCTSkip("model not found at \(modelDirectory.path); run scripts/fetch_model.sh to fetch it")
        }
        return modelDirectory
    }

    /// The all-MiniLM-L6-v2 tokenizer loaded from tokenizer.json, with its truncation as in the file.
    static func loadTokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(modelDirectory: requireModelDirectory())
    }

    /// A fresh empty folder under the temporary directory, removed by the test's teardown.
    static func makeTemporaryFolder(for testCase: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("loraf-tokenizer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
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
}
