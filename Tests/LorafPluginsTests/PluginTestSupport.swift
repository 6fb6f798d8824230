import Foundation
import LorafFormats
import LorafModels
import LorafPlugins
import XCTest

/// The repository root (the folder holding Package.swift), found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

let shippedPlugins = repositoryRoot.appendingPathComponent("plugins", isDirectory: true)

/// models/all-MiniLM-L6-v2, or a skip that says how to get it.
func miniLMDirectory() throws -> URL {
    let url = repositoryRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) else {
        throw XCTSkip("models/all-MiniLM-L6-v2 is missing: run scripts/fetch_model.sh")
    }
    return url
}

/// Loads plugins/ia3 (built by scripts/test.sh or `loraf plugin build plugins/ia3`); fails with the loader's reason.
func loadIA3Plugin() throws {
    let reports = PluginHost.loadSwiftPlugins(in: shippedPlugins)
    let report = try XCTUnwrap(reports.first { $0.name == "ia3" }, "plugins/ia3 not found")
    guard report.isLoaded else {
        throw PluginError.load("plugins/ia3 did not load (\(report)); build it with `.build/release/loraf plugin build plugins/ia3` (scripts/test.sh does)")
    }
}

/// The fixture batch of 8 right-padded sentences ([8, 12]).
func fixtureBatch() throws -> ModelInput {
    let file = try SafeTensorsFile(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/peft_lora_seqcls_logits.safetensors"))
    return try ModelInput(inputIds: file.intTensor("input_ids"), attentionMask: file.intTensor("attention_mask"))
}

/// Largest |a − b|.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A fresh scratch folder.
func scratchFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loraf-plugins-\(name)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs the built `loraf` (next to the test bundle) with LORAF_HOME = the repository; returns (status, stdout, stderr).
func runLoraf(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let folder = Bundle.main.bundleURL.pathExtension == "xctest" ? Bundle.main.bundleURL.deletingLastPathComponent() : Bundle.main.bundleURL
    var candidates = [folder.appendingPathComponent("loraf")]
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
        candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("loraf"))
    }
    let executable = try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "loraf executable not built")
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(["LORAF_HOME": repositoryRoot.path]) { $1 }
    let (stdout, stderr) = (Pipe(), Pipe())
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
