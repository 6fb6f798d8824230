import XCTest
import LorafTestSupport

/// `loraf generate` and `loraf chat` on SmolLM2-135M-Instruct (Q4_1 GGUF).
final class GenerateCommandTests: XCTestCase {
    func testGenerateAnswersAChatPrompt() throws {
        let model = try smolLM2GGUF().path
        let result = try LorafBinary().run(["generate", model, "--chat", "What is the capital of France?"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "The capital of France is Paris.\n")
    }

    /// --int8-activations (int8 kernels on AVX-512 VNNI CPUs, no effect elsewhere) keeps the greedy answer.
    func testInt8ActivationsKeepTheAnswer() throws {
        let model = try smolLM2GGUF().path
        let result = try LorafBinary().run(["generate", model, "--chat", "What is the capital of France?", "--int8-activations"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "The capital of France is Paris.\n")
    }

    func testChatKeepsTheConversationAndResets() throws {
        let model = try smolLM2GGUF().path
        let result = try LorafBinary().run(["chat", model, "--max-new-tokens", "12"],
                                           input: "What is the capital of France?\n/reset\nWhat is the capital of France?\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, result.stdout)
        XCTAssertEqual(lines[0], lines[1], "after /reset the same question gets the same greedy answer")
        XCTAssert(lines[0].hasPrefix("The capital of France is Paris"), result.stdout)
    }

    func testBadUsageAndMissingModel() throws {
        let loraf = try LorafBinary()
        let usage = try loraf.run(["generate", "model.gguf", "--top-p", "3", "x"])
        XCTAssertEqual(usage.status, 2)
        XCTAssert(usage.stderr.contains("top_p must be in (0, 1], got 3.0"), usage.stderr)
        let missing = try loraf.run(["generate", "/nonexistent/model.gguf", "hello"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "loraf generate: /nonexistent/model.gguf: no such file or folder\n")
        let system = try loraf.run(["generate", "model.gguf", "--system", "be brief", "x"])
        XCTAssertEqual(system.status, 2)
        XCTAssert(system.stderr.contains("--system needs --chat"), system.stderr)
    }
}
