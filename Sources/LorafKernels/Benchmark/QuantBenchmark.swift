import Foundation

/// One measured line of the quantized-kernel benchmark: `Kernels.quantizedLinear` of x [m × k] by W [n × k].
public struct QuantBenchmarkRow: Sendable, Codable, Equatable {
    /// The GGUF tensor the shape comes from ("attn_q", "output", ...).
    public let name: String
    /// ggml's name of W's format ("Q4_1", "Q8_0").
    public let format: String
    public let m: Int, n: Int, k: Int
    public let threads: Int
    public let isa: String
    /// How x entered the product: "float", or "int8" (`ActivationPrecision.int8`, the quantization of x included).
    public let activations: String
    /// Best wall time of one product, in seconds.
    public let seconds: Double
    /// 2·m·n·k / seconds / 1e9.
    public let gflops: Double
    /// W's bytes in its blocks / seconds / 1e9: the rate W is streamed at (the bound for m = 1).
    public let weightGBps: Double
}

/// Times the forward of the quantized kernels on the linear layers of SmolLM2-135M (hidden 576, FFN 1536, 3 KV
/// heads of 64, vocabulary 49152; Q4_1 blocks, the tied output Q8_0, as in SmolLM2-135M-Instruct.Q4_1.gguf) at
/// m = 1 (decode) and m = 64 (a prefill chunk), on random blocks; at m = 1 also with int8 activations where the CPU
/// has that path (`Kernels.hasInt8Kernel`).
public enum QuantBenchmark {
    /// (GGUF name, format, n, k).
    public static let layers: [(name: String, format: QuantFormat, n: Int, k: Int)] = [
        ("attn_q", .q4_1, 576, 576), ("attn_k", .q4_1, 192, 576), ("ffn_up", .q4_1, 1536, 576),
        ("ffn_down", .q4_1, 576, 1536), ("output", .q8_0, 49152, 576),
    ]
    public static let inputRows = [1, 64]

    /// Measures every layer at every m in `inputRows` and thread count in `threads` (each ≥ 1), restoring
    /// `Parallel.threadCount` afterwards; each case runs about `secondsPerCase` seconds and the best run counts.
    public static func measure(threads: [Int], secondsPerCase: Double = 0.3) -> [QuantBenchmarkRow] {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        var rows: [QuantBenchmarkRow] = []
        var generator = SystemRandomNumberGenerator()
        for layer in layers {
            // Random bytes are valid blocks once the f16 scales are finite: clear the top exponent bit of every byte
            // of the block (scales, then, are below 2 in magnitude; quants stay random enough for timing).
            let byteCount = (try? layer.format.byteCount(rows: layer.n, columns: layer.k)) ?? 0
            let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) & 0xbf }
            bytes.withUnsafeBytes { raw in
                // The layer table's shapes are whole blocks, so the matrix is valid.
                guard let weight = try? QuantizedMatrix(format: layer.format, rows: layer.n, columns: layer.k, bytes: raw)
                else { return }
                for m in inputRows {
                    let x = (0..<m * layer.k).map { _ in Float.random(in: -1...1, using: &generator) }
                    var y = [Float](repeating: 0, count: m * layer.n)
                    let precisions: [ActivationPrecision] =
                        m < Kernels.directQuantRowLimit && Kernels.hasInt8Kernel(layer.format) ? [.float, .int8] : [.float]
                    for count in threads {
                        for activations in precisions {
                            Parallel.threadCount = count
                            let best = GEMMBenchmark.bestTime(of: {
                                Kernels.quantizedLinear(x, m: m, weight: weight, into: &y, accumulate: false,
                                                        activations: activations)
                            }, budget: secondsPerCase)
                            let flops = 2 * Double(m) * Double(layer.n) * Double(layer.k)
                            rows.append(QuantBenchmarkRow(name: layer.name, format: layer.format.description, m: m,
                                                          n: layer.n, k: layer.k, threads: max(1, count),
                                                          isa: CPU.isa.description, activations: activations.description,
                                                          seconds: best, gflops: flops / best / 1e9,
                                                          weightGBps: Double(byteCount) / best / 1e9))
                        }
                    }
                }
            }
        }
        return rows
    }

    /// Runs the benchmark and renders it: a text table, or with `json` a JSON array of `QuantBenchmarkRow`.
    public static func run(threads: [Int], json: Bool = false) -> String {
        let rows = measure(threads: threads)
        return json ? GEMMBenchmark.renderJSON(rows) : render(table: rows)
    }

    /// A fixed-width table: layer, format, m, n, k, threads, ISA, activations, milliseconds, GFLOP/s, GB/s of W.
    public static func render(table rows: [QuantBenchmarkRow]) -> String {
        let pad = GEMMBenchmark.pad
        var lines = ["layer     format   m      n     k threads  isa     x             ms   GFLOP/s  W GB/s"]
        for row in rows {
            lines.append(pad(row.name, 10) + pad(row.format, 6) + pad(row.m, 4) + pad(row.n, 7) + pad(row.k, 6)
                         + pad(row.threads, 8) + "  " + pad(row.isa, 8) + pad(row.activations, 6)
                         + String(format: "%10.3f%10.1f%8.1f", row.seconds * 1e3, row.gflops, row.weightGBps))
        }
        return lines.joined(separator: "\n")
    }
}
