// The serial bodies of the quantized kernels, shared per ISA like QuantBlocks.swift: each module extends its own
// `ISAQuant` (BaselineQuant / AVX2Quant / AVX512Quant) with them. Splitting over threads and the choice of ISA
// are LorafKernels' (Quant/QuantizedMatmul.swift, Quant/Dequantize.swift).
import CKernelSupport

extension ISAQuant {
    /// Writes the `count` elements stored at `blocks` in ggml type `typeID` (a `QuantFormat` raw value; `count` a
    /// multiple of its block size) to `output`, bitwise as ggml's dequantize_row_* computes them.
    package static func dequantize(typeID: Int, _ blocks: UnsafeRawPointer, count: Int,
                                   _ output: UnsafeMutablePointer<Float>) {
        if visitQuantBlock(typeID: typeID, DequantizeVisitor(blocks: blocks, count: count, output: output)) { return }
        switch typeID {
        case 0: UnsafeMutableRawPointer(output).copyMemory(from: blocks, byteCount: count * 4)
        case 1:
            for i in 0..<count { output[i] = halfToFloat(blocks + 2 * i) }
        case 30:
            for i in 0..<count {
                output[i] = Float(bitPattern: UInt32(blocks.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        default: preconditionFailure("ggml type \(typeID) has no decoder")
        }
    }

    /// y[i·ldy + r] (+)= Σ_p x[i·k + p] · W[r, p] for i < m and r in `rows`, where row r of W is the blocks at
    /// `weights + r·rowBytes` (ggml type `typeID`, block-quantized: Q4_0 ... Q6_K), x is [m × k] row-major and
    /// `accumulate` adds to y instead of overwriting it; k > 0 is a multiple of the block size (the caller,
    /// `Kernels.quantizedLinear`, sends k == 0 elsewhere). Meant for small m (decode): W is streamed once per four
    /// rows of x and each block is decoded into registers.
    package static func linear(typeID: Int, x: UnsafePointer<Float>, m: Int, k: Int,
                               weights: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>,
                               y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool) {
        let visitor = LinearVisitor(x: x, m: m, k: k, weights: weights, rowBytes: rowBytes, rows: rows, y: y, ldy: ldy,
                                    accumulate: accumulate)
        guard visitQuantBlock(typeID: typeID, visitor) else { preconditionFailure("ggml type \(typeID) is not block-quantized") }
    }
}

/// Decodes consecutive blocks into consecutive floats.
struct DequantizeVisitor: QuantBlockVisitor {
    let blocks: UnsafeRawPointer, count: Int, output: UnsafeMutablePointer<Float>

    func visit<Block: QuantBlock>(_ block: Block.Type) {
        for b in 0..<count / Block.elements {
            let out = output + b * Block.elements
            Block.decode(blocks + b * Block.bytes) { offset, values in values.store(out + offset) }
        }
    }
}

/// The dot products of `ISAQuant.linear`: the k-quants here (each block decoded to its values, then multiplied
/// with x), the 32-element formats in QuantScaledLinear.swift.
struct LinearVisitor: QuantBlockVisitor {
    let x: UnsafePointer<Float>, m: Int, k: Int
    let weights: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>
    let y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool

    func visit<Block: QuantBlock>(_ block: Block.Type) {
        if m == 1 { oneInputRow(Block.self) } else { fourInputRows(Block.self) }
    }

    /// The 32-element formats take the factored products of QuantScaledLinear.swift.
    func visitScaled<Block: ScaledQuantBlock>(_ block: Block.Type) {
        if m == 1 { scaledOneInputRow(Block.self) } else { scaledFourInputRows(Block.self) }
    }

    /// m = 1: four rows of W at a time (four independent accumulators share each load of x). Past the last row,
    /// the tile repeats it and drops those results.
    private func oneInputRow<Block: QuantBlock>(_: Block.Type) {
        let blocks = k / Block.elements
        for r0 in stride(from: rows.lowerBound, to: rows.upperBound, by: 4) {
            let (last, w0, w1, w2, w3) = weightTile(at: r0)
            var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
            for b in 0..<blocks {
                let xb = x + b * Block.elements, offset = b * Block.bytes
                Block.decode(w0 + offset) { o, v in a0 = mulAdd(v, Lanes.load(xb + o), a0) }
                Block.decode(w1 + offset) { o, v in a1 = mulAdd(v, Lanes.load(xb + o), a1) }
                Block.decode(w2 + offset) { o, v in a2 = mulAdd(v, Lanes.load(xb + o), a2) }
                Block.decode(w3 + offset) { o, v in a3 = mulAdd(v, Lanes.load(xb + o), a3) }
            }
            storeTile((laneSum(a0), laneSum(a1), laneSum(a2), laneSum(a3)), live: last + 1) { y + r0 + $0 }
        }
    }

    /// m > 1: four rows of x at a time against one row of W (each block decoded once per four inputs). Past the last
    /// row of x, the tile repeats it and drops those results.
    private func fourInputRows<Block: QuantBlock>(_: Block.Type) {
        let blocks = k / Block.elements
        for i0 in stride(from: 0, to: m, by: 4) {
            let last = min(3, m - 1 - i0)
            let (j0, j1, j2, j3) = tileIndices(i0, last: last)
            let (x0, x1, x2, x3) = (x + j0 * k, x + j1 * k, x + j2 * k, x + j3 * k)
            for r in rows {
                let w = weights + r * rowBytes
                var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
                for b in 0..<blocks {
                    let start = b * Block.elements
                    Block.decode(w + b * Block.bytes) { o, v in
                        a0 = mulAdd(v, Lanes.load(x0 + start + o), a0)
                        a1 = mulAdd(v, Lanes.load(x1 + start + o), a1)
                        a2 = mulAdd(v, Lanes.load(x2 + start + o), a2)
                        a3 = mulAdd(v, Lanes.load(x3 + start + o), a3)
                    }
                }
                storeTile((laneSum(a0), laneSum(a1), laneSum(a2), laneSum(a3)), live: last + 1) { y + (i0 + $0) * ldy + r }
            }
        }
    }

    /// The four row indices of a tile starting at `first` with `last + 1` live rows (the tail repeats the last).
    @inline(__always)
    func tileIndices(_ first: Int, last: Int) -> (Int, Int, Int, Int) {
        (first, first + min(1, last), first + min(2, last), first + last)
    }

    /// The tile of four rows of W starting at row `first` for the m = 1 kernels: its last live row's offset in the
    /// tile (the tail repeats that row) and the four rows' blocks. Rows a few tiles ahead are requested now, so they
    /// arrive from memory while this tile computes.
    @inline(__always)
    func weightTile(at first: Int) -> (last: Int, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer) {
        let last = min(3, rows.upperBound - 1 - first)
        let ahead = first + Int(LORAF_PREFETCH_ROWS)
        if ahead < rows.upperBound { loraf_prefetch(weights + ahead * rowBytes, 4 * rowBytes) }
        let (i0, i1, i2, i3) = tileIndices(first, last: last)
        return (last, weights + i0 * rowBytes, weights + i1 * rowBytes, weights + i2 * rowBytes, weights + i3 * rowBytes)
    }

    /// Stores (or adds) the first `live` of a tile's four dot products at `target(0)`, `target(1)`, ...
    @inline(__always)
    func storeTile(_ sums: (Float, Float, Float, Float), live: Int, _ target: (Int) -> UnsafeMutablePointer<Float>) {
        for i in 0..<live {
            let value = i == 0 ? sums.0 : i == 1 ? sums.1 : i == 2 ? sums.2 : sums.3
            let p = target(i)
            p.pointee = accumulate ? p.pointee + value : value
        }
    }
}
