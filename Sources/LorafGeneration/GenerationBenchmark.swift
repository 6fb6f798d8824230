import Foundation
import LorafKernels
import LorafModels
import LorafTensor

/// Prefill and decode speed of a causal LM, measured as llama.cpp's `llama-bench` does: a prompt of `promptTokens`
/// pseudo-random ids processed in one pass (pp, tokens/s), then `generatedTokens` tokens decoded one at a time
/// with the key/value cache (tg, tokens/s), greedy, at each thread count; where the CPU has the int8-activation
/// kernels (`CPU.hasVNNI`), the decode again with `GenerationOptions.integerActivations` (tg int8). Each figure is
/// the best of `repeats`.
public enum GenerationBenchmark {
    /// One thread count's figures: prompt and generated token counts, tokens/s of each phase, the process's peak RSS.
    public struct Row: Codable, Equatable {
        public var threads: Int
        public var promptTokens: Int
        public var prefillTokensPerSecond: Double
        public var generatedTokens: Int
        public var decodeTokensPerSecond: Double
        /// Decode tokens/s with int8 activations; nil when the CPU has no int8 kernels (JSON: field absent).
        public var decodeInt8TokensPerSecond: Double?
        public var peakRSSMegabytes: Double
    }

    /// Runs the measurement on `lm` (base model, no adapter).
    public static func run(_ lm: LanguageModel, threads: [Int], promptTokens: Int = 128, generatedTokens: Int = 64, repeats: Int = 3) throws -> [Row] {
        var rng = RandomGenerator(seed: 1234)
        let vocab = lm.tokenizer.vocabSize
        let prompt = (0..<promptTokens).map { _ in rng.nextInt(below: vocab) }
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        return try threads.map { count in
            Parallel.threadCount = count
            var prefill = Double.infinity, decode = Double.infinity, decodeInt8 = Double.infinity
            for _ in 0..<repeats {
                let (p, d) = try time(lm, prompt: prompt, generatedTokens: generatedTokens, integerActivations: false)
                prefill = Swift.min(prefill, p)
                decode = Swift.min(decode, d)
                if CPU.hasVNNI {
                    decodeInt8 = Swift.min(decodeInt8, try time(lm, prompt: prompt, generatedTokens: generatedTokens,
                                                                integerActivations: true).decode)
                }
            }
            return Row(threads: count, promptTokens: promptTokens, prefillTokensPerSecond: Double(promptTokens) / prefill,
                       generatedTokens: generatedTokens, decodeTokensPerSecond: Double(generatedTokens) / decode,
                       decodeInt8TokensPerSecond: CPU.hasVNNI ? Double(generatedTokens) / decodeInt8 : nil,
                       peakRSSMegabytes: Double(peakResidentBytes()) / 1_048_576)
        }
    }

    /// Seconds of the prefill of `prompt` and of the `generatedTokens` decode steps after it, from one generation of
    /// `generatedTokens + 1` tokens: the first new id arrives when the prefill ends, each later one after one step.
    private static func time(_ lm: LanguageModel, prompt: [Int], generatedTokens: Int,
                             integerActivations: Bool) throws -> (prefill: Double, decode: Double) {
        let clock = TokenClock()
        let generator = TextGenerator(model: lm.model, padTokenId: 0) { TimingDecoder(clock: clock) }
        let start = Date()
        _ = try generator.generate(prompts: [prompt], options: GenerationOptions(maxNewTokens: generatedTokens + 1,
                                                                                 integerActivations: integerActivations))
        guard let first = clock.arrivals.first, let last = clock.arrivals.last, clock.arrivals.count == generatedTokens + 1 else {
            throw GenerationError.invalidPrompt("the benchmark generated \(clock.arrivals.count) of \(generatedTokens + 1) tokens")
        }
        return (first.timeIntervalSince(start), last.timeIntervalSince(first))
    }

    /// A table, one row per thread count (or a JSON array with `json`).
    public static func report(_ rows: [Row], json: Bool) throws -> String {
        if json { return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self) + "\n" }
        var out = "threads   pp tokens/s   tg tokens/s   tg int8 tokens/s   peak RSS MB\n"
        for r in rows {
            let int8 = r.decodeInt8TokensPerSecond.map { String(format: "%16.1f", $0) } ?? String(repeating: " ", count: 15) + "-"
            out += String(format: "%7d   %11.1f   %11.1f   ", r.threads, r.prefillTokensPerSecond, r.decodeTokensPerSecond)
                + int8 + String(format: "   %11.0f\n", r.peakRSSMegabytes)
        }
        return out
    }
}

/// When each new id arrived.
private final class TokenClock {
    var arrivals: [Date] = []
}

/// A row decoder that gives no text (the benchmark times the model, not the detokenizer, as llama-bench does) and
/// notes each id's arrival on `clock`.
private struct TimingDecoder: RowTextDecoder {
    let clock: TokenClock
    mutating func append(_ id: Int) -> String {
        clock.arrivals.append(Date())
        return ""
    }
    mutating func finish() -> String { "" }
}
