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
    /// Double, and Σ_b |term_b|, the scale of the float rounding the kernel adds.
    static func dot(_ format: QuantFormat, row: UnsafeRawPointer, _ blocks: [Block]) -> (value: Double, magnitude: Double) {
        var value = 0.0, magnitude = 0.0
        for (b, x) in blocks.enumerated() {
            let p = row + b * format.blockBytes
            let (d, dx) = (Double(halfToFloat(p)), Double(x.scale))
            var term: Double
            switch format {
            case .q4_0:
                term = d * dx * Double(integerDot(x.quants) { j in Int32(nibble(p + 2, j)) - 8 })
            case .q4_1:
                term = d * dx * Double(integerDot(x.quants) { j in Int32(nibble(p + 4, j)) })
                term += Double(halfToFloat(p + 2)) * dx * Double(x.sum)
            case .q8_0:
                term = d * dx * Double(integerDot(x.quants) { j in Int32(p.load(fromByteOffset: 2 + j, as: Int8.self)) })
            default: preconditionFailure("\(format) has no int8 kernel")
            }
            value += term
            magnitude += abs(term)
        }
        return (value, magnitude)
    }

    /// Σ_j weight(j) · quants[j] in integers.
    private static func integerDot(_ quants: [Int8], _ weight: (Int) -> Int32) -> Int32 {
        (0..<32).reduce(0) { $0 + weight($1) * Int32(quants[$1]) }
    }

    /// Element j (0..<32) of 16 bytes of nibbles: j in the low nibble of byte j, j + 16 in its high one.
    private static func nibble(_ p: UnsafeRawPointer, _ j: Int) -> UInt8 {
        let byte = p.load(fromByteOffset: j % 16, as: UInt8.self)
        return j < 16 ? byte & 15 : byte >> 4
    }
}
