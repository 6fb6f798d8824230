import Foundation
import XCTest
import LorafTestSupport

/// The Lua bindings through the built `loraf` binary: the example script end to end and the REPL.
final class LuaBindingsCLITests: XCTestCase {
    func testReplIndexesATensor() throws {
        let result = try LorafBinary().run(["repl"], input: "t = loraf.tensor{{1,2},{3,4}}\nt[2][1]\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "3")
    }

    func testClassifyScriptPredictsAndAdapts() throws {
        let model = try miniLMDirectory()
        let script = repositoryRoot.appendingPathComponent("scripts/classify.lua").path
        let result = try LorafBinary().run(["run", script, model.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.stdout)
        XCTAssertTrue(lines[0].hasPrefix("A delightful, moving film.") && lines[0].contains("label "), result.stdout)
        XCTAssertTrue(lines[2].hasPrefix("adapter sst2: ") && lines[2].contains("trainable"), result.stdout)
        XCTAssertEqual(lines[3], "LoRA layers: 12")
    }

    func testTensorTourRuns() throws {
        let result = try LorafBinary().run(["run", repositoryRoot.appendingPathComponent("scripts/tensors.lua").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("Tensor [2, 2] [[1, 2], [3, 4]]\n3\t2\n"), result.stdout)
    }

    func testBenchGemmRejectsBadThreadLists() throws {
        let result = try LorafBinary().run(["bench", "gemm", "--threads", "1,x"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--threads"), result.stderr)
    }
}
