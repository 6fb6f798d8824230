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

    /// Where the int8 kernels cannot run (here forced with LORAF_ISA=avx2), the flag says so on stderr and the
    /// Float32 answer comes out.
    func testInt8ActivationsWithoutVNNISaysItHasNoEffect() throws {
        let model = try smolLM2GGUF().path
        let result = try LorafBinary().run(["generate", model, "--chat", "What is the capital of France?", "--int8-activations"],
                                           environment: ["LORAF_ISA": "avx2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "The capital of France is Paris.\n")
        XCTAssert(result.stderr.contains("--int8-activations has no effect here"), result.stderr)
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

    /// Training's malloc tuning (TensorStorage) must not reach inference: tuned before the model is built, glibc
    /// served its zero Float32 layers from the heap and made ~28 MiB resident. Loading and generating leave it off;
    /// the first recorded gradient turns it on.
    func testGenerationLeavesMallocUntunedUntilAGradientIsRecorded() throws {
        let model = try smolLM2GGUF().path
        let script = """
            local model = loraf.load_model(arg[1], {task = "causal_lm"})
            local text = model:generate{messages = {{role = "user", content = "What is the capital of France?"}}, max_new_tokens = 8}
            print(text, loraf_test.allocator_tuned())
            local w = loraf.tensor{{1, 2}, {3, 4}}:requires_grad(true)
            w:matmul(w):sum():backward()
            print(loraf_test.allocator_tuned())
            """
        let result = try LorafBinary().run(["run", "-e", script, model], environment: ["LORAF_TEST_HOOKS": "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "The capital of France is Paris.\tfalse\ntrue\n")
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
