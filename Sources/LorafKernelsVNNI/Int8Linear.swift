// The int8-activation matrix-vector product: rows of a ggml weight matrix against activation rows quantized by
// `VNNIQuant.quantize`. Splitting over threads and the choice of path are LorafKernels' (Quant/QuantizedMatmul.swift).
import CKernelSupport
import Swift

extension VNNIQuant {
    /// True when ggml type `typeID` (a `QuantFormat` raw value) has an int8 kernel: Q4_0 (2), Q4_1 (3), Q8_0 (8).
    package static func supports(typeID: Int) -> Bool { typeID == 2 || typeID == 3 || typeID == 8 }

    /// y[i·ldy + r] (+)= Σ_b (block b of W row r) · (block b of activation row i) for i < m and r in `rows`, where
    /// activation row i is the `activationBytes(k:)` bytes at `activations + i·activationBytes(k:)` and row r of W
    /// is the blocks at `weights + r·rowBytes` (ggml type `typeID`, one `supports` accepts; k a multiple of 32).
    /// Four rows of W share each activation group; past the last row the tile repeats it and drops those results.
    package static func linear(typeID: Int, activations: UnsafeRawPointer, m: Int, k: Int,
                               weights: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>,
                               y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool) {
        let tile = Int8Tile(activations: activations, m: m, k: k, weights: weights, rowBytes: rowBytes, y: y, ldy: ldy,
                            accumulate: accumulate)
        switch typeID {
        case 2: tile.run(Q4_0Weights.self, rows)
        case 3: tile.run(Q4_1Weights.self, rows)
        case 8: tile.run(Q8_0Weights.self, rows)
        default: preconditionFailure("ggml type \(typeID) has no int8 kernel")
        }
    }
}

/// The loops of `VNNIQuant.linear`, specialised per weight format.
private struct Int8Tile {
    let activations: UnsafeRawPointer, m: Int, k: Int
    let weights: UnsafeRawPointer, rowBytes: Int
    let y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool

    func run<Block: Int8WeightBlock>(_: Block.Type, _ rows: Range<Int>) {
        let rowActivationBytes = VNNIQuant.activationBytes(k: k)
        for r0 in stride(from: rows.lowerBound, to: rows.upperBound, by: 4) {
            let last = min(3, rows.upperBound - 1 - r0)
            let w = (weights + r0 * rowBytes, weights + (r0 + min(1, last)) * rowBytes,
                     weights + (r0 + min(2, last)) * rowBytes, weights + (r0 + last) * rowBytes)
            // Rows of W a few tiles ahead are requested now, so they arrive from memory while this tile computes.
            let ahead = r0 + Int(LORAF_PREFETCH_ROWS)
            if ahead < rows.upperBound { loraf_prefetch(weights + ahead * rowBytes, 4 * rowBytes) }
            // The tile's rows of W stay in L1 while every activation row passes over them.
            for i in 0..<m {
                let sums = dots(Block.self, w, activations + i * rowActivationBytes)
                for t in 0...last {
                    let p = y + i * ldy + r0 + t
                    p.pointee = accumulate ? p.pointee + sums[t] : sums[t]
                }
            }
        }
    }

    /// The dot products of the four rows at `w` with one activation row. The last group may hold fewer than four
    /// real blocks: its missing blocks read the row's last block again, whose terms vanish against the zero
    /// padding of the activations (zero quants, sums and scales).
    @inline(__always)
    private func dots<Block: Int8WeightBlock>(_: Block.Type,
                                              _ w: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer),
                                              _ x: UnsafeRawPointer) -> SIMD4<Float> {
        let blocks = k / VNNIQuant.blockElements, fullGroups = blocks / 4
        var a0 = Float32x16(SIMD16<Float>()), a1 = a0, a2 = a0, a3 = a0
        @inline(__always)
        func group(_ g: Int, _ b: (Int, Int, Int, Int)) {
            let xg = ActivationGroup(x + g * VNNIQuant.groupBytes)
            let o = (b.0 * Block.bytes, b.1 * Block.bytes, b.2 * Block.bytes, b.3 * Block.bytes)
            a0 = Block.accumulate(a0, w.0 + o.0, w.0 + o.1, w.0 + o.2, w.0 + o.3, xg)
            a1 = Block.accumulate(a1, w.1 + o.0, w.1 + o.1, w.1 + o.2, w.1 + o.3, xg)
            a2 = Block.accumulate(a2, w.2 + o.0, w.2 + o.1, w.2 + o.2, w.2 + o.3, xg)
            a3 = Block.accumulate(a3, w.3 + o.0, w.3 + o.1, w.3 + o.2, w.3 + o.3, xg)
        }
        for g in 0..<fullGroups { group(g, (4 * g, 4 * g + 1, 4 * g + 2, 4 * g + 3)) }
        if blocks > 4 * fullGroups {
            let first = 4 * fullGroups, lastBlock = blocks - 1
            group(fullGroups, (first, min(first + 1, lastBlock), min(first + 2, lastBlock), lastBlock))
        }
        return SIMD4(a0.sum, a1.sum, a2.sum, a3.sum)
    }
}
