// The dot products of `ISAQuant.linear` for the 32-element formats (`ScaledQuantBlock`: Q4_0, Q4_1, Q5_0, Q5_1,
// Q8_0), shared per ISA like QuantBodies.swift. Each block contributes
//     Σ_j w_j·x_j = d·Σ_j q_j·x_j + (m − zeroPoint·d)·Σ_j x_j
// so the block's integer quants are multiplied by x directly (one FMA per vector, from a fresh block accumulator),
// the block sum is scaled once by d into the row's accumulator, and the offset term uses Σx per block of the input
// row, computed once per call. Not bitwise the dequantized product (the sums are associated differently); the
// difference is a few float roundings of the row's dot product (QuantizedMatmulTests bound it).

extension LinearVisitor {
    /// m = 1: four rows of W at a time. A first pass over the tile's blocks widens their f16 heads (d, m), four rows
    /// together, into `heads` and adds up the offset terms; the second takes the dot products, reading each d from
    /// `heads` as a broadcast load (no shuffles in the loop).
    func scaledOneInputRow<Block: ScaledQuantBlock>(_: Block.Type) {
        let blocks = k / 32
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 2 * blocks) { scratch in
            // factors[b]: the block's offset factors for the four rows; heads[b]: (d0, m0, ..., d3, m3) of the tile.
            let (factors, heads) = (scratch.baseAddress!, scratch.baseAddress! + blocks)
            for b in 0..<blocks {
                let f = offsetFactors(Block.self, blockSum(x + 32 * b)), four = SIMD4(lowHalf: f, highHalf: f)
                factors[b] = SIMD8(lowHalf: four, highHalf: four)
            }
            let d = UnsafeRawPointer(heads).assumingMemoryBound(to: Float.self)
            for r0 in stride(from: rows.lowerBound, to: rows.upperBound, by: 4) {
                let (last, w0, w1, w2, w3) = weightTile(at: r0)
                var offsets = SIMD8<Float>()
                for b in 0..<blocks {
                    let o = b * Block.bytes
                    heads[b] = blockHeads(Block.self, w0 + o, w1 + o, w2 + o, w3 + o)
                    if Block.hasMin || Block.zeroPoint != 0 { offsets += heads[b] * factors[b] }
                }
                var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
                for b in 0..<blocks {
                    let xb = x + 32 * b, o = b * Block.bytes
                    a0 = scaledBlockDot(Block.self, w0 + o, xb, d[8 * b], a0)
                    a1 = scaledBlockDot(Block.self, w1 + o, xb, d[8 * b + 2], a1)
                    a2 = scaledBlockDot(Block.self, w2 + o, xb, d[8 * b + 4], a2)
                    a3 = scaledBlockDot(Block.self, w3 + o, xb, d[8 * b + 6], a3)
                }
                let lane = Block.hasMin ? 1 : 0
                storeTile((laneSum(a0) + offsets[lane], laneSum(a1) + offsets[2 + lane], laneSum(a2) + offsets[4 + lane],
                           laneSum(a3) + offsets[6 + lane]), live: last + 1) { y + r0 + $0 }
            }
        }
    }

    /// m > 1: four rows of x at a time against one row of W (each block's quants read once per four inputs).
    func scaledFourInputRows<Block: ScaledQuantBlock>(_: Block.Type) {
        let blocks = k / 32
        withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: blocks) { sums in
            for i0 in stride(from: 0, to: m, by: 4) {
                let last = min(3, m - 1 - i0)
                let (j0, j1, j2, j3) = tileIndices(i0, last: last)
                let (x0, x1, x2, x3) = (x + j0 * k, x + j1 * k, x + j2 * k, x + j3 * k)
                for b in 0..<blocks {
                    sums[b] = SIMD4(blockSum(x0 + 32 * b), blockSum(x1 + 32 * b), blockSum(x2 + 32 * b),
                                    blockSum(x3 + 32 * b))
                }
                for r in rows {
                    let w = weights + r * rowBytes
                    var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes(), offsets = SIMD4<Float>()
                    for b in 0..<blocks {
                        let p = w + b * Block.bytes, start = 32 * b
                        let d = halfToFloat(p)
                        if Block.hasMin {
                            offsets += halfToFloat(p + 2) * sums[b]
                        } else if Block.zeroPoint != 0 {
                            offsets += (-Block.zeroPoint * d) * sums[b]
                        }
                        var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                        Block.quants(p) { o, q in
                            s0 = mulAdd(q, Lanes.load(x0 + start + o), s0)
                            s1 = mulAdd(q, Lanes.load(x1 + start + o), s1)
                            s2 = mulAdd(q, Lanes.load(x2 + start + o), s2)
                            s3 = mulAdd(q, Lanes.load(x3 + start + o), s3)
                        }
                        let scale = Lanes(repeating: d)
                        (a0, a1, a2, a3) = (mulAdd(scale, s0, a0), mulAdd(scale, s1, a1), mulAdd(scale, s2, a2),
                                            mulAdd(scale, s3, a3))
                    }
                    storeTile((laneSum(a0) + offsets[0], laneSum(a1) + offsets[1], laneSum(a2) + offsets[2],
                               laneSum(a3) + offsets[3]), live: last + 1) { y + (i0 + $0) * ldy + r }
                }
            }
        }
    }
}

/// acc + d·Σ q·x over the block at `p` against the 32 floats at `x`.
@inline(__always)
private func scaledBlockDot<Block: ScaledQuantBlock>(_: Block.Type, _ p: UnsafeRawPointer, _ x: UnsafePointer<Float>,
                                                     _ d: Float, _ acc: Lanes) -> Lanes {
    var sum = Lanes()
    Block.quants(p) { o, q in sum = mulAdd(q, Lanes.load(x + o), sum) }
    return mulAdd(Lanes(repeating: d), sum, acc)
}

/// The sum of the 32 floats at `x`.
@inline(__always)
private func blockSum(_ x: UnsafePointer<Float>) -> Float {
    var sum = Lanes()
    for o in stride(from: 0, to: 32, by: Lanes.scalarCount) { sum += Lanes.load(x + o) }
    return laneSum(sum)
}

/// What the block heads (d, m) are multiplied by for the offset term, given the block's Σx: (0, Σx) with a min,
/// else (−zeroPoint·Σx, 0).
@inline(__always)
private func offsetFactors<Block: ScaledQuantBlock>(_: Block.Type, _ sum: Float) -> SIMD2<Float> {
    Block.hasMin ? SIMD2(0, sum) : SIMD2(-Block.zeroPoint * sum, 0)
}

/// (d0, m0, d1, m1, d2, m2, d3, m3) of the blocks at p0 ... p3, widened from f16 (m lanes 0 without a min).
@inline(__always)
private func blockHeads<Block: ScaledQuantBlock>(_: Block.Type, _ p0: UnsafeRawPointer, _ p1: UnsafeRawPointer,
                                                 _ p2: UnsafeRawPointer, _ p3: UnsafeRawPointer) -> SIMD8<Float> {
    var words = SIMD4(p0.loadUnaligned(as: UInt32.self), p1.loadUnaligned(as: UInt32.self),
                      p2.loadUnaligned(as: UInt32.self), p3.loadUnaligned(as: UInt32.self))
    if !Block.hasMin { words &= 0xFFFF }
    let halves = unsafeBitCast(words, to: SIMD8<UInt16>.self)
    var heads = SIMD8<Float>()
    for i in 0..<8 { heads[i] = Float(Float16(bitPattern: halves[i])) }
    return heads
}
