import ArgumentParser
import Foundation
import LorafGeneration
import LorafKernels
import LorafStrategies

/// The options `loraf generate` and `loraf chat` share: the model, an adapter, sampling and stopping.
struct GenerationArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("A GGUF file or a Hugging Face model folder (a causal LM).", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("A PEFT adapter folder to apply (LoRA...).", valueName: "dir"))
    var adapter: String?

    @Option(help: "At most this many new tokens.")
    var maxNewTokens = 256

    @Option(help: "0 for greedy decoding; otherwise the sampling temperature.")
    var temperature: Float = 0

    @Option(help: "Keep the k most likely tokens (0: off).")
    var topK = 0

    @Option(help: "Nucleus sampling mass (1: off).")
    var topP: Float = 1

    @Option(help: "Drop tokens below this fraction of the top token's probability (0: off).")
    var minP: Float = 0

    @Option(help: "Penalty on tokens already in the sequence (1: off).")
    var repetitionPenalty: Float = 1

    @Option(help: "Seed of the sampling draws.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Stop when the text contains this string (repeatable).", valueName: "text"))
    var stop: [String] = []

    @Option(help: "Compute threads (default: the thread pool's).")
    var threads: Int?

    @Flag(help: """
        Decode steps round the inputs of the quantized (Q4_0, Q4_1, Q8_0) layers to int8 blocks: faster on CPUs \
        with AVX-512 VNNI, logits slightly off the Float32 ones (no effect elsewhere; the prompt stays Float32).
        """)
    var int8Activations = false

    var options: GenerationOptions {
        GenerationOptions(maxNewTokens: maxNewTokens, sampling: SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                                                                repetitionPenalty: repetitionPenalty, seed: seed),
                          stopStrings: stop, integerActivations: int8Activations)
    }

    func validate() throws {
        do { try options.validate() } catch { throw ValidationError("\(error)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// The model with `--adapter` loaded (and active) and `--threads` applied.
    func load() throws -> LanguageModel {
        if let threads { Parallel.threadCount = threads }
        if int8Activations, !CPU.hasVNNI {
            FileHandle.standardError.write(Data("""
                loraf: --int8-activations has no effect here: the int8 kernels need AVX-512 VNNI (CPU or LORAF_ISA), \
                so decoding stays Float32\n
                """.utf8))
        }
        let lm = try LanguageModel.load(URL(fileURLWithPath: model))
        if let adapter {
            let folder = URL(fileURLWithPath: adapter)
            try AdapterFiles.load(into: lm.model, from: folder, name: folder.lastPathComponent.replacingOccurrences(of: ".", with: "_"))
        }
        return lm
    }
}

/// Writes `text` to standard output at once (streamed tokens should appear as they come).
func printNow(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
