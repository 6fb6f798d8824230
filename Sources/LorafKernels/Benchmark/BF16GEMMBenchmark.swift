/// One frozen-weight product the bf16 benchmark times, as a linear layer runs it with W [out, in]:
/// the forward y[m×out] = x · Wᵀ (k = in) or the input gradient dx[m×in] = dy · W (k = out).
public struct BF16BenchmarkShape: Sendable, Codable, Equatable {
    public let model: String
    public let layer: String
    /// "forward" or "input grad".
    public let pass: String
    public let m: Int, n: Int, k: Int

    /// 2·m·n·k.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// One measured line: the same product with Float32 SGEMM and with the bf16 kernel.
public struct BF16BenchmarkRow: Sendable, Codable, Equatable {
    public let shape: BF16BenchmarkShape
    public let threads: Int
    /// Best wall-time GFLOP/s of `Kernels.sgemm` and of `Kernels.bf16gemm`, both with B packed beforehand (as a
    /// training run keeps a frozen weight); A's rounding to bf16 is inside the timed call.
    public let fp32GFLOPs: Double
    public let bf16GFLOPs: Double
    /// bf16GFLOPs / fp32GFLOPs.
    public let speedup: Double
}

/// `loraf bench gemm --dtype bf16`: the frozen linears of all-MiniLM-L6-v2 training (m = 2048: 32 sequences of 64)
/// and SmolLM2-135M training (m = 512: 8 sequences of 64), forward and input gradient, fp32 against bf16.
public enum BF16GEMMBenchmark {
    public static let shapes: [BF16BenchmarkShape] = {
        let layers: [(String, Int, [(String, Int, Int)])] = [
            ("MiniLM", 2048, [("query/value", 384, 384), ("intermediate", 1536, 384), ("output", 384, 1536)]),
            ("SmolLM2", 512, [("q/o_proj", 576, 576), ("k/v_proj", 192, 576), ("gate/up_proj", 1536, 576),
                              ("down_proj", 576, 1536), ("lm_head", 49152, 576)]),
        ]
        return layers.flatMap { model, m, linears in
            linears.flatMap { layer, out, input in
                [BF16BenchmarkShape(model: model, layer: layer, pass: "forward", m: m, n: out, k: input),
                 BF16BenchmarkShape(model: model, layer: layer, pass: "input grad", m: m, n: input, k: out)]
            }
        }
    }()

    /// Measures every shape at every thread count (each ≥ 1), restoring `Parallel.threadCount` afterwards; about
    /// `secondsPerCase` seconds per kernel and case, best run counts. Empty when the CPU has no bf16 kernel
    /// (`Kernels.hasBF16Kernel`).
    public static func measure(threads: [Int], shapes: [BF16BenchmarkShape] = shapes,
                               secondsPerCase: Double = 0.3) -> [BF16BenchmarkRow] {
        guard Kernels.hasBF16Kernel else { return [] }
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        var rows: [BF16BenchmarkRow] = []
        for shape in shapes {
            let (m, n, k) = (shape.m, shape.n, shape.k)
            let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k), b = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
            let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
            defer { a.deallocate(); b.deallocate(); c.deallocate() }
            var generator = SystemRandomNumberGenerator()
            for i in 0..<(m * k) { a[i] = Float.random(in: -1...1, using: &generator) }
            for i in 0..<(k * n) { b[i] = Float.random(in: -1...1, using: &generator) }
            // The weight as a layer stores it: forward reads B = Wᵀ (NT), the input gradient B = W (NN).
            let forward = shape.pass == "forward"
            let packed = BF16PackedMatrix(packing: b, depth: k, columns: n, depthStride: forward ? 1 : n,
                                          columnStride: forward ? k : 1)
            // fp32 with B packed beforehand too, as a training run keeps frozen weights (`FrozenWeightPanels`).
            let fp32Packed = Kernels.PackedRightOperand(transB: forward, k: k, n: n, b: b, ldb: forward ? k : n)
            for count in threads {
                Parallel.threadCount = count
                let fp32 = GEMMBenchmark.bestTime(of: {
                    Kernels.sgemm(transA: false, m: m, alpha: 1, a: a, lda: k, packedB: fp32Packed, beta: 0, c: c, ldc: n)
                }, budget: secondsPerCase)
                let bf16 = GEMMBenchmark.bestTime(of: {
                    Kernels.bf16gemm(m: m, a: a, lda: k, b: packed, c: c, ldc: n, accumulate: false)
                }, budget: secondsPerCase)
                rows.append(BF16BenchmarkRow(shape: shape, threads: max(1, count), fp32GFLOPs: shape.flops / fp32 / 1e9,
                                             bf16GFLOPs: shape.flops / bf16 / 1e9, speedup: fp32 / bf16))
            }
        }
        return rows
    }

    /// Runs the benchmark and renders it (a table, or a JSON array of `BF16BenchmarkRow`); a one-line notice
    /// instead when the CPU has no AVX512_BF16.
    public static func run(threads: [Int], json: Bool = false) -> String {
        guard Kernels.hasBF16Kernel else { return "bf16 GEMM: this CPU has no AVX512_BF16 (or LORAF_ISA is below avx512)\n" }
        let rows = measure(threads: threads)
        return json ? GEMMBenchmark.renderJSON(rows) : render(table: rows)
    }

    /// A fixed-width table: model, layer, pass, m, n, k, threads, fp32 and bf16 GFLOP/s, speed-up.
    public static func render(table rows: [BF16BenchmarkRow]) -> String {
        typealias G = GEMMBenchmark
        var lines = ["model    layer         pass            m      n     k threads  fp32 GFLOP/s  bf16 GFLOP/s  bf16/fp32"]
        for row in rows {
            let s = row.shape
            lines.append(G.pad(s.model, 9) + G.pad(s.layer, 14) + G.pad(s.pass, 11) + G.pad(s.m, 6) + G.pad(s.n, 7)
                         + G.pad(s.k, 6) + G.pad(row.threads, 8)
                         + String(format: "%14.1f%14.1f%11.2f", row.fp32GFLOPs, row.bf16GFLOPs, row.speedup))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
