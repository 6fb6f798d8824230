/// The scalar twin of the int8-activation kernels (LorafKernelsVNNI): the same quantization of x, one element at a
/// time, and the same integer block sums, scaled in Double. The tests compare the SIMD kernels with it (the
/// quantized blocks exactly, the products to ~1e-6 relative, the float rounding being the only difference).
enum Int8ActivationReference {
    /// One block of 32 quantized activations: x ≈ scale · quants, sum = Σ quants.
    struct Block: Equatable {
        var scale: Float
        var sum: Int32
        var quants: [Int8]
    }

    /// x (a multiple of 32 elements) as blocks of 32: d = max|x| / 127, q = x · (1/d) rounded to nearest, ties to
    /// even; (0, 0, zeros) when d is 0 or 1/d overflows; (NaN, 0, zeros) when the block holds NaN or ±∞.
    static func quantize(_ x: [Float]) -> [Block] {
        stride(from: 0, to: x.count, by: 32).map { start in
            let values = x[start..<start + 32]
            let zero = Block(scale: 0, sum: 0, quants: [Int8](repeating: 0, count: 32))
            if values.contains(where: { !$0.isFinite }) { return Block(scale: .nan, sum: 0, quants: zero.quants) }
            let d = values.reduce(0) { max($0, abs($1)) } / 127, inverse = 1 / d
            guard d > 0, inverse.isFinite else { return zero }
            let quants = values.map { Int8(($0 * inverse).rounded(.toNearestOrEven)) }
            return Block(scale: d, sum: quants.reduce(0) { $0 + Int32($1) }, quants: quants)
        }
    }

    /// The kernel's value of one row of W (`format` Q4_0, Q4_1 or Q8_0, blocks at `row`) dotted with `blocks`, in
    /// Double, and Σ_b (|d_w·d_x|·Σ_j |q_w,j·q_x,j| + |m_w·d_x·S|), which bounds every partial sum the kernel
    /// rounds in float (the scale of its error).
    static func dot(_ format: QuantFormat, row: UnsafeRawPointer, _ blocks: [Block]) -> (value: Double, magnitude: Double) {
        var value = 0.0, magnitude = 0.0
        for (b, x) in blocks.enumerated() {
            let p = row + b * format.blockBytes
            let scale = Double(halfToFloat(p)) * Double(x.scale)
            let weights: [Int32]
            var offset = 0.0
            switch format {
            case .q4_0: weights = (0..<32).map { Int32(nibble(p + 2, $0)) - 8 }
            case .q4_1:
                weights = (0..<32).map { Int32(nibble(p + 4, $0)) }
                offset = Double(halfToFloat(p + 2)) * Double(x.scale) * Double(x.sum)
            case .q8_0: weights = (0..<32).map { Int32(p.load(fromByteOffset: 2 + $0, as: Int8.self)) }
            default: preconditionFailure("\(format) has no int8 kernel")
            }
            let products = zip(weights, x.quants).map { $0 * Int32($1) }
            value += scale * Double(products.reduce(0, +)) + offset
            magnitude += abs(scale) * Double(products.reduce(0) { $0 + abs($1) }) + abs(offset)
        }
        return (value, magnitude)
    }

    /// Element j (0..<32) of 16 bytes of nibbles: j in the low nibble of byte j, j + 16 in its high one.
    private static func nibble(_ p: UnsafeRawPointer, _ j: Int) -> UInt8 {
        let byte = p.load(fromByteOffset: j % 16, as: UInt8.self)
        return j < 16 ? byte & 15 : byte >> 4
    }
}
