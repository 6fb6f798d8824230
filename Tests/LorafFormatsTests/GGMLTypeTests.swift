import XCTest
@testable import LorafFormats

final class GGMLTypeTests: XCTestCase {
    func testNamesIdsAndGeometry() {
        XCTAssertEqual(GGMLType.q4_1.name, "Q4_1")
        XCTAssertEqual(GGMLType.iq2_xxs.name, "IQ2_XXS")
        XCTAssertEqual(GGMLType(rawValue: 30), .bf16)
        XCTAssertNil(GGMLType(rawValue: 4))
        for type in GGMLType.allCases {
            XCTAssertEqual(GGMLType(name: type.name), type)
            XCTAssertEqual(type.isQuantized, type.elementsPerBlock > 1)
        }
        XCTAssertEqual(GGMLType.allCases.filter { !$0.isQuantized }.map(\.name), ["F32", "F16", "I8", "I16", "I32", "I64", "F64", "BF16"])
        // ggml-common.h: block_q4_1 is two halves and 16 bytes of nibbles; block_q6_K 128 + 64 + 16 + 2.
        XCTAssertEqual([GGMLType.q4_1.elementsPerBlock, GGMLType.q4_1.bytesPerBlock], [32, 20])
        XCTAssertEqual([GGMLType.q6_K.elementsPerBlock, GGMLType.q6_K.bytesPerBlock], [256, 210])
    }

    func testByteCountChecksBlocksAndOverflow() {
        XCTAssertEqual(GGMLType.q4_1.byteCount(dimensions: [576, 1536]), 576 / 32 * 20 * 1536)
        XCTAssertEqual(GGMLType.f16.byteCount(dimensions: [3, 5]), 30)
        XCTAssertNil(GGMLType.q8_0.byteCount(dimensions: [33]))
        XCTAssertNil(GGMLType.f32.byteCount(dimensions: [1 << 62]))
        XCTAssertNil(GGMLType.f32.byteCount(dimensions: [1 << 31, 1 << 31]))
        XCTAssertNil(GGMLType.f32.byteCount(dimensions: [-1]))
        XCTAssertNil(GGMLType.f32.byteCount(dimensions: []))
    }
}
