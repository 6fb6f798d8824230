import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

/// Each rule GGUFFile enforces, broken once, with the exact error it must give. Offsets: the
/// fixed header is 24 bytes, so the first metadata key or tensor info starts at byte 24; a tensor
/// info named "w" with one dimension has n_dims at 33, ne[0] at 37, type at 45, offset at 49.
final class GGUFValidationErrorTests: XCTestCase {
    private typealias Raw = GGUFTestFiles.Raw
    private static let huge: UInt64 = 1 << 60

    private func url(_ bytes: [UInt8]) throws -> URL {
        let url = try makeScratchFolder("loraf-gguf").appendingPathComponent("bad.gguf")
        try Data(bytes).write(to: url)
        return url
    }

    /// Opens `bytes` as a file and checks the error's problem and its whole message (after the path).
    private func assertRejects(_ bytes: [UInt8], _ problem: GGUFError.Problem, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try url(bytes)
        XCTAssertThrowsError(try GGUFFile(contentsOf: url), file: file, line: line) { error in
            guard let error = error as? GGUFError else { return XCTFail("not a GGUFError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.problem, problem, file: file, line: line)
            XCTAssertEqual(error.description, url.path + message, file: file, line: line)
        }
    }

    private func raw(_ infos: [Raw.Info], dataSize: Int = 32) -> [UInt8] {
        Raw(infos: infos, dataSize: dataSize).bytes()
    }

    /// `bytes` with the little-endian `value` written at `offset`.
    private func patched<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, _ value: T) -> [UInt8] {
        var copy = bytes
        withUnsafeBytes(of: value.littleEndian) { copy.replaceSubrange(offset..<(offset + $0.count), with: $0) }
        return copy
    }

    // MARK: file and fixed header

    func testFileTooSmallMissingAndFolder() throws {
        try assertRejects(Array("GGUF".utf8) + [3], .fileTooSmall(size: 5), ": file is 5 bytes, shorter than the 8-byte GGUF magic and version")
        let folder = try makeScratchFolder("loraf-gguf")
        XCTAssertThrowsError(try GGUFFile(contentsOf: folder.appendingPathComponent("absent.gguf"))) {
            XCTAssertEqual("\($0)", folder.path + "/absent.gguf: cannot open: No such file or directory")
        }
        XCTAssertThrowsError(try GGUFFile(contentsOf: folder)) { XCTAssertEqual("\($0)", folder.path + ": not a regular file") }
    }

    func testMagicAndVersions() throws {
        try assertRejects(Raw(magic: Array("GGML".utf8)).bytes(), .badMagic(found: Array("GGML".utf8)),
                          " at byte 0: not a GGUF file: starts with bytes 47 47 4D 4C, not 'GGUF'")
        try assertRejects(Raw(version: 1).bytes(), .unsupportedVersion(1),
                          " at byte 4: GGUF version 1 (32-bit counts) is not supported; versions 2 and 3 are")
        try assertRejects(Raw(version: 4).bytes(), .unsupportedVersion(4), " at byte 4: GGUF version 4 is not supported; versions 2 and 3 are")
        try assertRejects(Raw(version: 0x0300_0000).bytes(), .bigEndian, " at byte 4: big-endian GGUF is not supported")
        XCTAssertEqual(try GGUFFile(contentsOf: url(Raw(version: 2).bytes())).version, 2)
    }

    func testTruncatedFields() throws {
        try assertRejects(Array(Raw().bytes()[0..<12]), .truncated(field: "tensor count", needed: 8, available: 4),
                          " at byte 8: tensor count needs 8 bytes but the file has 4 left")
        try assertRejects(Array(Raw(metadata: [.init("k", .uint64(5))]).bytes()[0..<40]), .truncated(field: "uint64 value", needed: 8, available: 3),
                          ": key 'k' at byte 37: uint64 value needs 8 bytes but the file has 3 left")
        // A tensor info cut short: the tensor count (1) passes its check against the 40 bytes left.
        try assertRejects(Array(raw([.init(name: "w", dimensions: [1])])[0..<56]), .truncated(field: "data offset", needed: 8, available: 7),
                          ": tensor 'w' at byte 49: data offset needs 8 bytes but the file has 7 left")
    }

    // MARK: counts and lengths are checked before allocating

    func testHugeCountsAndLengths() throws {
        try assertRejects(Raw(tensorCount: Self.huge).bytes(), .countTooLarge(field: "tensor count", count: Self.huge, available: 16, minimumEach: 32),
                          " at byte 8: tensor count 1152921504606846976 cannot fit in the 16 bytes left (each takes at least 32)")
        try assertRejects(Raw(keyCount: Self.huge).bytes(), .countTooLarge(field: "metadata count", count: Self.huge, available: 8, minimumEach: 13),
                          " at byte 16: metadata count 1152921504606846976 cannot fit in the 8 bytes left (each takes at least 13)")
        let key = Raw(metadata: [.init("k", .uint8(1))]).bytes()
        try assertRejects(patched(key, at: 24, Self.huge),
                          .countTooLarge(field: "metadata key length", count: Self.huge, available: 32, minimumEach: 1),
                          " at byte 24: metadata key length 1152921504606846976 cannot fit in the 32 bytes left (each takes at least 1)")
        let array = Raw(metadata: [.init("k", .array(.uint32([1])))]).bytes()
        try assertRejects(patched(array, at: 41, Self.huge),
                          .countTooLarge(field: "array count", count: Self.huge, available: 15, minimumEach: 4),
                          ": key 'k' at byte 41: array count 1152921504606846976 cannot fit in the 15 bytes left (each takes at least 4)")
        let strings = Raw(metadata: [.init("k", .array(.string(["a"])))]).bytes()
        try assertRejects(patched(strings, at: 49, UInt64.max),
                          .countTooLarge(field: "string element length", count: UInt64.max, available: 7, minimumEach: 1),
                          ": key 'k' at byte 49: string element length 18446744073709551615 cannot fit in the 7 bytes left (each takes at least 1)")
    }

    // MARK: metadata values

    func testMetadataValues() throws {
        let key = Raw(metadata: [.init("k", .uint8(1))]).bytes()
        try assertRejects(patched(key, at: 32, UInt8(0xFF)), .notUTF8(field: "metadata key"), " at byte 24: metadata key is not valid UTF-8")
        try assertRejects(patched(key, at: 33, UInt32(13)), .unknownValueType(13), ": key 'k' at byte 33: unknown metadata value type 13")
        let flag = Raw(metadata: [.init("k", .bool(true))]).bytes()
        try assertRejects(patched(flag, at: 37, UInt8(2)), .badBool(2), ": key 'k' at byte 37: bool value is 2, not 0 or 1")
        let element = Raw(metadata: [.init("k", .array(.array([])))]).bytes()
        try assertRejects(patched(element, at: 37, UInt32(99)), .unknownValueType(99), ": key 'k' at byte 37: unknown metadata value type 99")
        try assertRejects(Raw(metadata: [.init("k", .uint8(1)), .init("k", .uint8(2))]).bytes(), .duplicateKey,
                          ": key 'k': key appears twice in the metadata")
    }

    func testArraysNestAtMostSixteenDeep() throws {
        func nested(_ levels: Int) -> GGUFValue {
            .array((1..<levels).reduce(GGUFArray.uint8([])) { inner, _ in .array([inner]) })
        }
        XCTAssertNotNil(try GGUFFile(contentsOf: url(Raw(metadata: [.init("k", nested(16))]).bytes())).metadata["k"])
        try assertRejects(Raw(metadata: [.init("k", nested(17))]).bytes(), .arrayTooDeep(limit: 16),
                          ": key 'k' at byte 229: arrays nest deeper than 16 levels")
    }

    func testAlignmentMustBeAUInt32PowerOfTwo() throws {
        for (value, found) in [(GGUFValue.uint32(48), "uint32 48"), (.uint32(0), "uint32 0"), (.string("32"), "string"), (.int32(32), "int32 32")] {
            try assertRejects(Raw(metadata: [.init("general.alignment", value)]).bytes(), .badAlignment(found: found),
                              ": key 'general.alignment': general.alignment must be a uint32 power of two, found \(found)")
        }
    }

    // MARK: tensor infos

    func testTensorNamesAndDimensions() throws {
        try assertRejects(raw([.init(name: "w", dimensions: [1]), .init(name: "w", dimensions: [1], offset: 32)], dataSize: 64),
                          .duplicateTensorName, ": tensor 'w' at byte 57: name given to more than one tensor")
        var badName = raw([.init(name: "w", dimensions: [1])])
        badName[32] = 0xC3
        try assertRejects(badName, .notUTF8(field: "tensor name"), " at byte 24: tensor name is not valid UTF-8")
        try assertRejects(raw([.init(name: "w", dimensions: [])]), .badDimensionCount(0), ": tensor 'w' at byte 33: n_dims 0 is outside 1...4")
        try assertRejects(raw([.init(name: "w", dimensions: [1, 1, 1, 1, 1])]), .badDimensionCount(5), ": tensor 'w' at byte 33: n_dims 5 is outside 1...4")
        try assertRejects(raw([.init(name: "w", dimensions: [0])]), .badDimension(index: 0, value: 0),
                          ": tensor 'w' at byte 37: ne[0] is 0, must be between 1 and 9223372036854775807")
        try assertRejects(raw([.init(name: "w", dimensions: [1, 1 << 63])]), .badDimension(index: 1, value: 1 << 63),
                          ": tensor 'w' at byte 45: ne[1] is 9223372036854775808, must be between 1 and 9223372036854775807")
    }

    func testTensorTypesAndSizes() throws {
        try assertRejects(raw([.init(name: "w", dimensions: [1], type: 4)]), .unknownTensorType(4), ": tensor 'w' at byte 45: unknown ggml type 4")
        try assertRejects(raw([.init(name: "w", dimensions: [16], type: GGMLType.q4_0.rawValue)]), .notBlockMultiple(innermost: 16, type: .q4_0),
                          ": tensor 'w' at byte 33: ne[0] 16 is not a multiple of the Q4_0 block size 32")
        try assertRejects(raw([.init(name: "w", dimensions: [1 << 40, 1 << 40])]), .sizeOverflow(dimensions: [1 << 40, 1 << 40], type: .f32),
                          ": tensor 'w' at byte 33: ne [1099511627776, 1099511627776] of F32 overflows the byte count")
        try assertRejects(raw([.init(name: "w", dimensions: [1 << 62])]), .sizeOverflow(dimensions: [1 << 62], type: .f32),
                          ": tensor 'w' at byte 33: ne [4611686018427387904] of F32 overflows the byte count")
    }

    func testTensorPlacement() throws {
        try assertRejects(raw([.init(name: "w", dimensions: [1], offset: 4)]), .misalignedOffset(offset: 4, alignment: 32),
                          ": tensor 'w' at byte 49: data offset 4 is not a multiple of the alignment 32")
        try assertRejects(raw([.init(name: "w", dimensions: [16])]), .dataPastEndOfFile(begin: 0, byteCount: 64, dataSize: 32),
                          ": tensor 'w' at byte 49: data at offset 0 (64 bytes) runs past the data section of 32 bytes")
        try assertRejects(raw([.init(name: "w", dimensions: [1], offset: 1 << 63)]), .dataPastEndOfFile(begin: 1 << 63, byteCount: 4, dataSize: 32),
                          ": tensor 'w' at byte 49: data at offset 9223372036854775808 (4 bytes) runs past the data section of 32 bytes")
        try assertRejects(raw([.init(name: "a", dimensions: [16]), .init(name: "b", dimensions: [1], offset: 32)], dataSize: 96),
                          .overlap(previous: "a", previousEnd: 64, begin: 32),
                          ": tensor 'b' at byte 82: data begins at offset 32, inside tensor 'a' which ends at 64")
        let file = try GGUFFile(contentsOf: url(raw([.init(name: "b", dimensions: [1], offset: 64), .init(name: "a", dimensions: [16])], dataSize: 96)))
        XCTAssertEqual(file.tensorNames, ["b", "a"])
    }

    // MARK: access

    func testAccessErrors() throws {
        let url = try url(Raw(metadata: [.init("n", .uint8(1)), .init("s", .array(.string(["x"])))],
                              infos: [.init(name: "w", dimensions: [1])], dataSize: 32).bytes())
        let file = try GGUFFile(contentsOf: url)
        let cases: [(() throws -> Any, GGUFError.Problem, String)] = [
            ({ try file.entry("x") }, .noSuchTensor, ": tensor 'x': no such tensor"),
            ({ try file.tensorBytes("x") }, .noSuchTensor, ": tensor 'x': no such tensor"),
            ({ try file.metadata.int("absent") }, .missingKey, ": key 'absent': no such metadata key"),
            ({ try file.metadata.string("n") }, .wrongValueType(expected: "a string", found: "uint8"), ": key 'n': value is uint8, expected a string"),
            ({ try file.metadata.intArray("s") }, .wrongValueType(expected: "an array of integers", found: "array of string"),
             ": key 's': value is array of string, expected an array of integers"),
        ]
        for (access, problem, message) in cases {
            XCTAssertThrowsError(try access()) {
                XCTAssertEqual(($0 as? GGUFError)?.problem, problem)
                XCTAssertEqual("\($0)", url.path + message)
            }
        }
        XCTAssertEqual(try file.metadata.int("n"), 1)
        XCTAssertEqual(try file.floats("w"), [0])
    }
}
