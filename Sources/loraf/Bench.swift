import ArgumentParser
import Foundation
import LorafGeneration
import LorafKernels

/// `loraf bench`: micro-benchmarks of the kernels.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure kernel performance.",
        subcommands: [Gemm.self, Quant.self, GenerateSpeed.self])

    /// The options every benchmark takes.
    struct Options: ParsableArguments {
        @Option(help: ArgumentHelp("Comma-separated thread counts to measure, e.g. 1,2.", valueName: "list"))
        var threads: String = "1"

        @Flag(help: "Print a JSON array of rows instead of a table.")
        var json = false

        /// The thread counts of `--threads`.
        func threadCounts() throws -> [Int] {
            let counts = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                throw ValidationError("--threads must be a comma-separated list of positive integers, got '\(threads)'")
            }
            return counts.compactMap { $0 }
        }

        func validate() throws { _ = try threadCounts() }
    }

    /// `loraf bench gemm [--threads 1,2] [--dtype fp32|bf16] [--json]`: times SGEMM on the all-MiniLM-L6-v2 training
    /// shapes, or with `--dtype bf16` the frozen-weight products of MiniLM and SmolLM2 in fp32 and in bf16.
    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time SGEMM on the transformer shapes of all-MiniLM-L6-v2 training (GFLOP/s per shape).",
            discussion: "Each case runs about 0.3 s and the best run counts; see docs/performance.md. With --dtype bf16: "
                + "the frozen linears of MiniLM and SmolLM2 (forward and input gradient), fp32 SGEMM against the bf16 "
                + "kernel (AVX512_BF16 only; docs/kernels.md).")

        @OptionGroup var options: Options

        @Option(help: ArgumentHelp("fp32 (SGEMM shapes) or bf16 (frozen-weight products, fp32 against bf16).", valueName: "dtype"))
        var dtype = "fp32"

        func validate() throws {
            guard ["fp32", "bf16"].contains(dtype) else { throw ValidationError("--dtype must be fp32 or bf16, got '\(dtype)'") }
        }

        func run() throws {
            let threads = try options.threadCounts()
            if dtype == "bf16" {
                print(BF16GEMMBenchmark.run(threads: threads, json: options.json), terminator: "")
            } else {
                print(GEMMBenchmark.run(threads: threads, json: options.json), terminator: "")
            }
        }
    }

    /// `loraf bench quant [--threads 1,2] [--json]`: times the quantized forward on the SmolLM2-135M shapes.
    struct Quant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the quantized-block forward (x·Wᵀ from Q4_1/Q8_0 blocks) on the SmolLM2-135M layer shapes.",
            discussion: "m = 1 (decode) and m = 64 (prefill); GFLOP/s and the GB/s W is streamed at. "
                + "Each case runs about 0.3 s and the best run counts; see docs/kernels.md.")

        @OptionGroup var options: Options

        func run() throws {
            print(QuantBenchmark.run(threads: try options.threadCounts(), json: options.json), terminator: "")
        }
    }

    /// `loraf bench generate MODEL [--threads 1,2] [--prompt-tokens 128] [--tokens 64] [--json]`: prefill and decode
    /// speed of a causal LM, as llama-bench measures them (scripts/bench_generate.py runs both side by side).
    struct GenerateSpeed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Time prefill (pp) and decode (tg) tokens/s of a causal LM, as llama-bench does, and the peak RSS.",
            discussion: """
                Pseudo-random prompt ids, greedy decoding, best of three runs per thread count. On CPUs with AVX-512 \
                VNNI the decode is timed a second time with int8 activations (tg int8, as --int8-activations).
                """)

        @OptionGroup var options: Options
        @Argument(help: "A GGUF file or a Hugging Face folder.") var model: String
        @Option(help: "Prompt length (pp).") var promptTokens = 128
        @Option(help: "Tokens generated (tg).") var tokens = 64

        func validate() throws {
            guard promptTokens >= 1, tokens >= 1 else { throw ValidationError("--prompt-tokens and --tokens must be at least 1") }
        }

        func run() throws {
            let lm = try LanguageModel.load(URL(fileURLWithPath: model))
            let rows = try GenerationBenchmark.run(lm, threads: try options.threadCounts(), promptTokens: promptTokens, generatedTokens: tokens)
            print(try GenerationBenchmark.report(rows, json: options.json), terminator: "")
        }
    }
}
