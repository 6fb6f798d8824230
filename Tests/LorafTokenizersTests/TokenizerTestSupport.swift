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
