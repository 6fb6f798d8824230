import LorafTensor
@testable import LorafKernels

/// Every format, plain float types included.
let allQuantFormats = QuantFormat.allCases

/// Byte offsets of the f16 scale fields (d, m, dmin) of each block-quantized format.
func scaleFieldOffsets(_ format: QuantFormat) -> [Int] {
    switch format {
    case .q4_0, .q5_0, .q8_0: return [0]
    case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
    case .q6_K: return [208]
    case .f32, .f16, .bf16: return []
    }
}

/// Random but valid storage of a `rows`×`columns` matrix: uniform random bytes, with the f16 scales of every block
/// set to values in ±0.05 (finite results of a sane size); plain float types get random values in ±1.
func randomQuantizedBytes(_ format: QuantFormat, rows: Int, columns: Int, seed: UInt64) -> [UInt8] {
    var generator = RandomGenerator(seed: seed)
    let count = (try? format.byteCount(rows: rows, columns: columns)) ?? 0
    switch format {
    case .f32:
        return (0..<rows * columns).flatMap { _ in withUnsafeBytes(of: Float.random(in: -1...1, using: &generator)) { Array($0) } }
    case .f16:
        return (0..<rows * columns).flatMap { _ in withUnsafeBytes(of: Float16(Float.random(in: -1...1, using: &generator))) { Array($0) } }
    case .bf16:
        return (0..<rows * columns).flatMap { _ in
            withUnsafeBytes(of: UInt16(Float.random(in: -1...1, using: &generator).bitPattern >> 16)) { Array($0) }
        }
    default:
        var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for block in stride(from: 0, to: count, by: format.blockBytes) {
            for offset in scaleFieldOffsets(format) {
                let scale = Float16(Float.random(in: -0.05...0.05, using: &generator)).bitPattern
                bytes[block + offset] = UInt8(scale & 0xff)
                bytes[block + offset + 1] = UInt8(scale >> 8)
            }
        }
        return bytes
    }
}

/// The matrix over `bytes` (which the caller keeps alive while it is used).
func quantizedMatrix(_ format: QuantFormat, rows: Int, columns: Int, _ bytes: UnsafeRawBufferPointer) -> QuantizedMatrix {
    // The sizes come from randomQuantizedBytes, which made the buffer for exactly this shape.
    try! QuantizedMatrix(format: format, rows: rows, columns: columns, bytes: bytes)
}

/// Columns used in the tests for `format`: three blocks of 32, two of 256, or 70 plain floats.
func testColumns(_ format: QuantFormat) -> Int {
    switch format.blockElements {
    case 1: return 70
    case 32: return 96
    default: return 512
    }
}
