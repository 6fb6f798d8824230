import XCTest
import Foundation
import LorafModels

/// The repository root (the folder holding Package.swift), found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

/// models/all-MiniLM-L6-v2, or a skip that says how to get it.
func miniLMDirectory() throws -> URL {
    let url = repositoryRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) else {
        throw XCTSkip("models/all-MiniLM-L6-v2 is missing: run scripts/fetch_model.sh")
    }
    return url
}

/// Largest |a − b| over positions where `keep` is true.
func maxAbsDifference(_ a: [Float], _ b: [Float], keep: (Int) -> Bool = { _ in true }) -> Float {
    var worst: Float = 0
    for i in 0..<min(a.count, b.count) where keep(i) { worst = max(worst, abs(a[i] - b[i])) }
    return worst
}
