import Foundation

/// One product the GEMM benchmark times: `batch` sgemms of op(A)[m×k] · op(B)[k×n].
public struct GEMMBenchmarkShape: Sendable, Codable, Equatable {
    public let name: String
    public let m: Int, n: Int, k: Int
    public let transA: Bool, transB: Bool
    public let batch: Int

    /// "NN", "NT", "TN" or "TT".
    public var layout: String { (transA ? "T" : "N") + (transB ? "T" : "N") }
    /// Floating-point operations of one run: 2·m·n·k per product.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }
}

/// One measured line of the benchmark.
public struct GEMMBenchmarkRow: Sendable, Codable, Equatable {
    public let shape: GEMMBenchmarkShape
    public let threads: Int
    public let isa: String
    /// Best wall time of one run, in seconds.
    public let seconds: Double
    /// shape.flops / seconds / 1e9.
    public let gflops: Double
}

/// Times `Kernels.sgemm` / `sgemmBatched` on the transformer shapes of all-MiniLM-L6-v2 training
/// (hidden 384, FFN 1536, 12 heads of 32, sequences of 64, batch 32).
public enum GEMMBenchmark {
    /// M = 2048 (32 sequences × 64 tokens) with (K, N) in (384, 384), (384, 1536), (1536, 384), each as NN, NT
    /// and TN; then the attention products of 32 sequences × 12 heads: Q·Kᵀ ([64,32]·[32,64], NT),
    /// P·V ([64,64]·[64,32], NN) and Pᵀ·dO ([64,64]ᵀ·[64,32], TN).
    public static let shapes: [GEMMBenchmarkShape] = {
        var shapes: [GEMMBenchmarkShape] = []
        for (k, n) in [(384, 384), (384, 1536), (1536, 384)] {
            for (transA, transB) in [(false, false), (false, true), (true, false)] {
                shapes.append(GEMMBenchmarkShape(name: "linear", m: 2048, n: n, k: k, transA: transA, transB: transB, batch: 1))
            }
        }
        shapes.append(GEMMBenchmarkShape(name: "attn Q·Kᵀ", m: 64, n: 64, k: 32, transA: false, transB: true, batch: 384))
        shapes.append(GEMMBenchmarkShape(name: "attn P·V", m: 64, n: 32, k: 64, transA: false, transB: false, batch: 384))
        shapes.append(GEMMBenchmarkShape(name: "attn Pᵀ·dO", m: 64, n: 32, k: 64, transA: true, transB: false, batch: 384))
        return shapes
    }()

    /// Measures every shape at every thread count in `threads` (each ≥ 1), restoring `Parallel.threadCount`
    /// afterwards. Each case runs for about `secondsPerCase` seconds; the best run counts.
    public static func measure(threads: [Int], shapes: [GEMMBenchmarkShape] = shapes,
                               secondsPerCase: Double = 0.3) -> [GEMMBenchmarkRow] {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        var rows: [GEMMBenchmarkRow] = []
        for shape in shapes {
            let operands = Operands(shape)
            for count in threads {
                Parallel.threadCount = count
                let best = bestTime(of: { operands.multiply() }, budget: secondsPerCase)
                rows.append(GEMMBenchmarkRow(shape: shape, threads: max(1, count), isa: CPU.isa.description,
                                             seconds: best, gflops: shape.flops / best / 1e9))
            }
        }
        return rows
    }

    /// Runs the benchmark and renders it: a text table, or with `json` a JSON array of `GEMMBenchmarkRow`.
    public static func run(threads: [Int], json: Bool = false) -> String {
        let rows = measure(threads: threads)
        return json ? render(json: rows) : render(table: rows)
    }

    /// A fixed-width table: shape, layout, batch, threads, milliseconds, GFLOP/s.
    public static func render(table rows: [GEMMBenchmarkRow]) -> String {
        var lines = ["shape         m     n     k  op  batch threads  isa          ms   GFLOP/s"]
        for row in rows {
            let s = row.shape
            lines.append(pad(s.name, 10) + pad(s.m, 6) + pad(s.n, 6) + pad(s.k, 6) + "  " + s.layout
                         + pad(s.batch, 7) + pad(row.threads, 8) + "  " + pad(row.isa, 8)
                         + String(format: "%10.3f%10.1f", row.seconds * 1e3, row.gflops))
        }
        return lines.joined(separator: "\n")
    }

    /// The rows as a JSON array (keys as in `GEMMBenchmarkRow`, shape nested).
    public static func render(json rows: [GEMMBenchmarkRow]) -> String { renderJSON(rows) }

    /// Any rows as a JSON array with sorted keys.
    static func renderJSON<Row: Encodable>(_ rows: [Row]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain structs of numbers, strings and booleans cannot fail.
        guard let data = try? encoder.encode(rows) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func pad(_ value: Any, _ width: Int) -> String {
        let text = "\(value)"
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return value is String ? text + padding : padding + text
    }

    /// Best single-run time in seconds over repeated runs filling about `budget` seconds (one warm-up first).
    static func bestTime(of work: () -> Void, budget: Double) -> Double {
        work()
        var best = Double.infinity
        let clock = ContinuousClock()
        let start = clock.now
        var runs = 0
        while runs < 3 || (clock.now - start) < .milliseconds(Int64(budget * 1000)) {
            let t0 = clock.now
            work()
            let elapsed = clock.now - t0
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            runs += 1
        }
        return best
    }

    /// Random operands for one shape, stored as the layout says, kept for the whole measurement.
    private final class Operands {
        let shape: GEMMBenchmarkShape
        let a: [Float], b: [Float]
        var c: [Float]

        init(_ shape: GEMMBenchmarkShape) {
            self.shape = shape
            var generator = SystemRandomNumberGenerator()
            a = (0..<(shape.m * shape.k * shape.batch)).map { _ in Float.random(in: -1...1, using: &generator) }
            b = (0..<(shape.k * shape.n * shape.batch)).map { _ in Float.random(in: -1...1, using: &generator) }
            c = [Float](repeating: 0, count: shape.m * shape.n * shape.batch)
        }

        func multiply() {
            let s = shape
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        Kernels.sgemmBatched(transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1,
                                             a: a.baseAddress!, lda: s.transA ? s.m : s.k, strideA: s.m * s.k,
                                             b: b.baseAddress!, ldb: s.transB ? s.k : s.n, strideB: s.k * s.n,
                                             beta: 0, c: c.baseAddress!, ldc: s.n, strideC: s.m * s.n,
                                             batch: s.batch)
                    }
                }
            }
        }
    }
}
