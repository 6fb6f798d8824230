import XCTest
import LorafFormats
import LorafTestSupport
import LorafTensor
@testable import LorafKernels

/// The quantizers (`Kernels.quantize`) against the Python gguf package's blocks (scripts/make_quantize_fixtures.py),
/// their round-trip error, the float types' rounding and the refusals.
final class QuantizeTests: XCTestCase {
    private let blockTypes: [QuantFormat] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0]

    func testBlocksEqualThePythonPackagesBytes() throws {
        let file = try SafeTensorsFile(contentsOf: fixturesDirectory.appendingPathComponent("ggml_quantize.safetensors"))
        for format in blockTypes {
            let input = try file.floats("\(format).input")
            let expected = try file.withUnsafeBytes(of: "\(format).blocks") { Array($0) }
            let ours = try Kernels.quantize(input, as: format)
            XCTAssertEqual(ours.count, expected.count, "\(format)")
            let differing = (0..<min(ours.count, expected.count)).filter { ours[$0] != expected[$0] }
            XCTAssert(differing.isEmpty, "\(format): \(differing.count) bytes differ, first in block \((differing.first ?? 0) / format.blockBytes)")
        }
    }

    /// dequantize(quantize(x)) is within one quantization step of x (plus the half-precision rounding of the
    /// scale and offset), block by block, for seeded random rows of several magnitudes.
    func testRoundTripStaysWithinOneStep() throws {
        var rng = RandomGenerator(seed: 5)
        for format in blockTypes {
            for scale: Float in [1e-3, 1, 50] {
                let x = randomFloats(32 * 16, in: -scale...scale, using: &rng).map { $0 + (format == .q4_1 ? scale : 0) }
                let bytes = try Kernels.quantize(x, as: format)
                let y = try bytes.withUnsafeBytes { try Kernels.dequantize(format, $0, count: x.count) }
                for b in 0..<16 {
                    let block = x[(32 * b)..<(32 * b + 32)]
                    let (low, high) = (block.min()!, block.max()!)
                    let magnitude = max(abs(low), abs(high))
                    let levels: Float = [.q4_0: 8, .q4_1: 15, .q5_0: 16, .q5_1: 31, .q8_0: 127][format]!
                    let step = [.q4_1, .q5_1].contains(format) ? (high - low) / levels : magnitude / levels
                    let bound = 1.01 * step + magnitude / 1024
                    for j in 0..<32 {
                        XCTAssertLessThanOrEqual(abs(y[32 * b + j] - x[32 * b + j]), bound, "\(format) scale \(scale) block \(b) element \(j)")
                    }
                }
            }
        }
    }

    func testFloatTypesRoundToNearestEven() throws {
        let values: [Float] = [1, 1 + 1.0 / 256, 1 + 3.0 / 256, -2.5, 65504, 1e-8]
        let bf16 = try Kernels.quantize(values, as: .bf16)
        let back = try bf16.withUnsafeBytes { try Kernels.dequantize(.bf16, $0, count: values.count) }
        XCTAssertEqual(back[1], 1, "a tie rounds to the even bf16 (1.0)")
        XCTAssertEqual(back[2], 1 + 4.0 / 256, "a tie rounds to the even bf16 (1 + 2^-6)")
        XCTAssertEqual(back[3], -2.5)
        let f16 = try Kernels.quantize(values, as: .f16)
        let half = try f16.withUnsafeBytes { try Kernels.dequantize(.f16, $0, count: values.count) }
        XCTAssertEqual(half, values.map { Float(Float16($0)) })
        XCTAssertEqual(try Kernels.quantize(values, as: .f32), values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    func testRefusals() {
        XCTAssertThrowsError(try Kernels.quantize([Float](repeating: 0, count: 256), as: .q4_K)) {
            XCTAssertEqual($0 as? QuantError, .notQuantizable(.q4_K))
            XCTAssert("\($0)".contains("Q4_K: no quantizer (supported: F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, BF16)"), "\($0)")
        }
        XCTAssertThrowsError(try Kernels.quantize([Float](repeating: 0, count: 48), as: .q8_0)) {
            XCTAssertEqual($0 as? QuantError, .partialBlock(format: .q8_0, elements: 48))
        }
        var values = [Float](repeating: 1, count: 64)
        values[40] = .infinity
        XCTAssertThrowsError(try Kernels.quantize(values, as: .q4_1)) {
            XCTAssertEqual("\($0)", "cannot quantize inf (element 40): values must be finite")
        }
    }
}
