import XCTest
import LorafTestSupport
import LorafTensor
@testable import LorafFormats

final class RoundTripTests: XCTestCase {
    /// Bytes of every element type written and read back bit for bit, with metadata.
    func testWriterAndReaderRoundTripBitwise() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("round.safetensors")
        var generator = RandomGenerator(seed: 7)
        let floats = (0..<24).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())) }
        let halves = (0..<10).map { _ in UInt16(truncatingIfNeeded: generator.next()) }
        let brains = (0..<6).map { _ in UInt16(truncatingIfNeeded: generator.next()) }
        let longs = [Int.min, -1, 0, 1, Int.max, 123_456_789_012]
        let metadata = ["format": "pt", "note": "tabs\t\"quotes\" ünïcode \u{1}"]
        try SafeTensorsWriter.write([
            .float32("w", shape: [2, 3, 4], values: floats),
            .init(name: "h", dtype: .f16, shape: [10], bytes: halves.flatMap(littleEndianBytes)),
            .init(name: "b", dtype: .bf16, shape: [3, 2], bytes: brains.flatMap(littleEndianBytes)),
            .int64("ids", shape: [6], values: longs),
            .float32("scalar", shape: [], values: [0.5]),
            .float32("empty", shape: [0, 4], values: []),
        ], metadata: metadata, to: url)

        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.metadata, metadata)
        XCTAssertEqual(file.dataAreaOffset % 8, 0)
        XCTAssertEqual(try file.floats("w").map(\.bitPattern), floats.map(\.bitPattern))
        XCTAssertEqual(try file.entry("w").shape, [2, 3, 4])
        XCTAssertEqual(try file.withUnsafeBytes(of: "h", Array.init), halves.flatMap(littleEndianBytes))
        XCTAssertEqual(try file.withUnsafeBytes(of: "b", Array.init), brains.flatMap(littleEndianBytes))
        XCTAssertEqual(try file.floats("b").map(\.bitPattern), brains.map { UInt32($0) << 16 })
        XCTAssertEqual(try file.integers("ids"), longs)
        XCTAssertEqual(try file.floats("scalar"), [0.5])
        XCTAssertEqual(try file.entry("scalar").shape, [])
        XCTAssertEqual(try file.floats("empty"), [])
        XCTAssertEqual(try file.entry("empty").shape, [0, 4])
        try file.withFloat32Buffer(of: "w") { XCTAssertEqual(Array($0).map(\.bitPattern), floats.map(\.bitPattern)) }
    }

    /// Layout as the Python package makes it: by descending dtype rank then name.
    func testEntriesAreInFileOrderByDTypeRankThenName() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("order.safetensors")
        try SafeTensorsWriter.write([
            .init(name: "c", dtype: .u8, shape: [3], bytes: [1, 2, 3]),
            .float32("z", shape: [1], values: [1]),
            .float32("a", shape: [1], values: [2]),
            .int64("m", shape: [1], values: [3]),
        ], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.entries.map(\.name), ["m", "a", "z", "c"])
        XCTAssertEqual(file.entries.map(\.dataOffsets), [0..<8, 8..<12, 12..<16, 16..<19])
        XCTAssertEqual(file.metadata, [:])
    }

    /// A data area that starts unaligned (as foreign writers may produce) still reads,
    /// through the copying path of withFloat32Buffer.
    func testUnalignedDataAreaReadsThroughCopy() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("unaligned.safetensors")
        let values: [Float] = [1.5, -2.25, 1e-30]
        let header = #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#
        XCTAssertNotEqual(header.utf8.count % 4, 0)
        try TestFiles.write(TestFiles.rawFile(header: header, data: values.flatMap { littleEndianBytes($0.bitPattern) }), to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        try file.withFloat32Buffer(of: "x") { XCTAssertEqual(Array($0), values) }
        XCTAssertEqual(try file.floats("x"), values)
    }

    func testF64AndNarrowIntegersConvert() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("mixed.safetensors")
        let doubles: [Double] = [0.1, -3, 1e300]
        try SafeTensorsWriter.write([
            .init(name: "d", dtype: .f64, shape: [3], bytes: doubles.flatMap { littleEndianBytes($0.bitPattern) }),
            .init(name: "i8", dtype: .i8, shape: [2], bytes: [0xFF, 0x7F]),
            .init(name: "i16", dtype: .i16, shape: [1], bytes: [0x00, 0x80]),
            .init(name: "u32", dtype: .u32, shape: [1], bytes: [0xFF, 0xFF, 0xFF, 0xFF]),
            .init(name: "u64", dtype: .u64, shape: [1], bytes: [0, 0, 0, 0, 0, 0, 0, 0x80]),
            .init(name: "mask", dtype: .bool, shape: [2], bytes: [1, 0]),
        ], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(try file.floats("d"), doubles.map { Float($0) })
        XCTAssertEqual(try file.integers("i8"), [-1, 127])
        XCTAssertEqual(try file.integers("i16"), [-32768])
        XCTAssertEqual(try file.integers("u32"), [4_294_967_295])
        XCTAssertEqual(try file.integers("mask"), [1, 0])
        XCTAssertThrowsError(try file.integers("u64")) {
            XCTAssertEqual(($0 as? SafeTensorsError)?.problem, .valueOutOfRange(index: 0))
        }
    }
}

/// The little-endian bytes of an integer.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian, Array.init)
}
