import XCTest
import Foundation
import LorafTestSupport

/// `loraf merge` on the tiny Llama: an adapter saved by loraf merged into a safetensors folder; usage errors.
final class MergeCommandTests: XCTestCase {
    private let tiny = fixturesDirectory.appendingPathComponent("tiny_decoders/llama").path

    func testMergeWritesAFolderAndReportsIt() throws {
        let loraf = try LorafBinary()
        let adapter = scratchURL("cli-adapter").path, out = scratchURL("cli-merged").path
        let saved = try loraf.run(["run", "-e", """
            local m = loraf.load_model(arg[1]); m:adapt{strategy = 'lora', target_modules = {'q_proj', 'v_proj'}, init_lora_weights = false}
            m:save_adapter(arg[2])
            """, tiny, adapter])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        let result = try loraf.run(["merge", tiny, "--adapter", adapter, "--out", out, "--dtype", "f16"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.hasPrefix("merged 4 tensors of \(URL(fileURLWithPath: adapter).lastPathComponent)\nwrote \(out)/model.safetensors\n"), result.stdout)
        XCTAssert(FileManager.default.fileExists(atPath: out + "/config.json"))
    }

    func testBadUsageAndMissingAdapter() throws {
        let loraf = try LorafBinary()
        let format = try loraf.run(["merge", tiny, "--adapter", "a", "--out", "o", "--format", "onnx"])
        XCTAssertEqual(format.status, 2)
        XCTAssert(format.stderr.contains("--format must be gguf or safetensors, got 'onnx'"), format.stderr)
        let dtype = try loraf.run(["merge", tiny, "--adapter", "a", "--out", "o", "--dtype", "requantize"])
        XCTAssertEqual(dtype.status, 2)
        XCTAssert(dtype.stderr.contains("--dtype must be f32, f16, bf16 for safetensors, got 'requantize'"), dtype.stderr)
        let missing = try loraf.run(["merge", tiny, "--adapter", "/nonexistent/adapter", "--out", scratchURL("cli-none").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssert(missing.stderr.hasPrefix("loraf merge: ") && missing.stderr.contains("/nonexistent/adapter"), missing.stderr)
    }
}
