import Foundation
import XCTest

/// The repository root: the first folder above this file that holds Package.swift.
public let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

/// Tests/Fixtures: the reference files written by the Python stack (see Tests/Fixtures/README.md).
public let fixturesDirectory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

/// The folder of all-MiniLM-L6-v2 (models/all-MiniLM-L6-v2).
/// - Throws: `XCTSkip` naming scripts/fetch_model.sh when model.safetensors is not there.
public func miniLMDirectory() throws -> URL {
    let url = repositoryRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) else {
        throw XCTSkip("models/all-MiniLM-L6-v2 is missing: run scripts/fetch_model.sh")
    }
    return url
}

/// SmolLM2-135M-Instruct as llama.cpp ships it (models/SmolLM2-135M-Instruct.Q4_1.gguf).
/// - Throws: `XCTSkip` naming scripts/fetch_model.sh when the file is not there.
public func smolLM2GGUF() throws -> URL {
    let url = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw XCTSkip("models/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run scripts/fetch_model.sh")
    }
    return url
}
