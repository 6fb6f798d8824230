import XCTest
import LorafTestSupport

/// `loraf check RUN_DIR` reports incomplete checkpoints and what resume would use (issue 14 item 10).
final class CheckCommandTests: XCTestCase {
    /// A checkpoint folder with its three parts and a manifest listing `listed` (path → size).
    private func checkpoint(_ name: String, in run: URL, listed: [String: Int]) throws {
        let folder = run.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("adapter"), withIntermediateDirectories: true)
        for file in ["optimizer.safetensors", "trainer_state.json", "adapter/adapter_model.safetensors"] {
            try Data("abc".utf8).write(to: folder.appendingPathComponent(file))
        }
        try JSONSerialization.data(withJSONObject: listed).write(to: folder.appendingPathComponent("manifest.json"))
    }

    func testReportsCompleteAndIncompleteCheckpoints() throws {
        let run = try makeScratchFolder("loraf-check")
        let parts = ["optimizer.safetensors": 3, "trainer_state.json": 3, "adapter/adapter_model.safetensors": 3]
        try checkpoint("checkpoint-10", in: run, listed: parts)
        try checkpoint("checkpoint-20", in: run, listed: parts.merging(["adapter/adapter_config.json": 12]) { $1 })
        try Data("checkpoint-20\n".utf8).write(to: run.appendingPathComponent("latest"))
        try FileManager.default.createDirectory(at: run.appendingPathComponent(".checkpoint-5.pruned"), withIntermediateDirectories: true)

        let result = try LorafBinary().run(["check", run.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("checkpoint-10: complete"), result.stdout)
        XCTAssertTrue(result.stdout.contains("checkpoint-20: INCOMPLETE: adapter/adapter_config.json is missing (resume skips it)"), result.stdout)
        XCTAssertTrue(result.stdout.contains(".checkpoint-5.pruned: left by an interrupted save or prune"), result.stdout)
        XCTAssertTrue(result.stdout.contains("latest pointer: checkpoint-20\nresume would use: checkpoint-10"), result.stdout)

        try FileManager.default.removeItem(at: run.appendingPathComponent("checkpoint-20"))
        XCTAssertEqual(try LorafBinary().run(["check", run.path]).status, 0)
        XCTAssertNotEqual(try LorafBinary().run(["check", run.appendingPathComponent("missing").path]).status, 0)
    }
}
