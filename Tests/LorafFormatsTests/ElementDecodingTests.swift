import XCTest
@testable import LorafFormats

final class ElementDecodingTests: XCTestCase {
    #if !(os(macOS) && arch(x86_64))
    /// Every one of the 65,536 half bit patterns widens to what the standard library's Float16 gives.
    func testHalfConversionMatchesFloat16ForEveryBitPattern() {
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = ElementDecoding.floatFromHalf(bits)
            if expected.isNaN {
                XCTAssertTrue(actual.isNaN, "bits 0x\(String(bits, radix: 16))")
                XCTAssertEqual(actual.sign, expected.sign, "bits 0x\(String(bits, radix: 16))")
            } else {
                XCTAssertEqual(actual.bitPattern, expected.bitPattern, "bits 0x\(String(bits, radix: 16))")
            }
        }
    }
    #endif

    func testHalfConversionKnownValues() {
        XCTAssertEqual(ElementDecoding.floatFromHalf(0x3C00), 1)
        XCTAssertEqual(ElementDecoding.floatFromHalf(0xC000), -2)
        XCTAssertEqual(ElementDecoding.floatFromHalf(0x7BFF), 65504)
        XCTAssertEqual(ElementDecoding.floatFromHalf(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(ElementDecoding.floatFromHalf(0x7C00), .infinity)
    }

    func testBFloat16IsTheUpperHalfOfAFloat() {
        XCTAssertEqual(ElementDecoding.floatFromBFloat16(0x3F80), 1)
        XCTAssertEqual(ElementDecoding.floatFromBFloat16(0xC0A0), -5)
    }

    func testUnalignedLittleEndianIntegers() {
        let bytes: [UInt8] = [0xAA, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]
        bytes.withUnsafeBytes { raw in
            let unaligned = UnsafeRawBufferPointer(rebasing: raw[1...])
            XCTAssertEqual(ElementDecoding.integers(unaligned, as: Int32.self), [1, -1])
        }
    }
}
