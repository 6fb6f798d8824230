import Foundation
import XCTest
import LorafFormats
import LorafTestSupport
@testable import LorafKernels

/// Every tensor of models/SmolLM2-135M-Instruct.Q4_1.gguf (Q4_1, Q8_0, F32) decoded by loraf equals the Python gguf
/// package's dequantization (scripts/dump_gguf_tensors.py): bitwise for F32/F16/BF16, within 1e-6 otherwise.
final class GGUFDequantizationTests: XCTestCase {
    func testEveryTensorOfSmolLM2MatchesPythonGGUF() throws {
        let model = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
        guard FileManager.default.fileExists(atPath: model.path) else {
            throw XCTSkip("models/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run scripts/fetch_model.sh")
        }
        guard try runPython(["-c", "import gguf, numpy"], quiet: true) == 0 else {
            throw XCTSkip("the Python gguf package is missing: pip install gguf numpy")
        }
        let dump = try makeScratchFolder("gguf-dump").appendingPathComponent("tensors.safetensors")
        let script = repositoryRoot.appendingPathComponent("scripts/dump_gguf_tensors.py").path
        XCTAssertEqual(try runPython([script, model.path, dump.path]), 0, "scripts/dump_gguf_tensors.py failed")
        let file = try SafeTensorsFile(contentsOf: dump)
        var checked: [QuantFormat: Int] = [:]
        for key in file.metadata.keys.sorted() where key.hasPrefix("type.") {
            let name = String(key.dropFirst("type.".count))
            let format = try XCTUnwrap(Int(file.metadata[key]!).flatMap(QuantFormat.init(rawValue:)), "\(name): type")
            let expected = try file.floats("\(name).values")
            let values = try file.withUnsafeBytes(of: "\(name).raw") { raw in
                try Kernels.dequantize(format, raw, count: expected.count)
            }
            if format.blockElements == 1 {
                XCTAssertEqual(values.map(\.bitPattern), expected.map(\.bitPattern), "\(name) (\(format))")
            } else {
                XCTAssertLessThanOrEqual(maxAbsDifference(values, expected), 1e-6, "\(name) (\(format))")
            }
            checked[format, default: 0] += 1
        }
        // The file's tensor types (issue 10): 210 Q4_1, 61 F32, token_embd Q8_0.
        XCTAssertEqual(checked, [.q4_1: 210, .f32: 61, .q8_0: 1])
    }

    /// Runs python3 with `arguments` (stderr dropped when `quiet`); returns its exit status.
    private func runPython(_ arguments: [String], quiet: Bool = false) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        if quiet { process.standardError = FileHandle.nullDevice }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
