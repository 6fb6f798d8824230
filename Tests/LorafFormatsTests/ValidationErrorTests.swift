import XCTest
import LorafTestSupport
@testable import LorafFormats

/// Each rule the reader enforces, broken once, with the exact error it must give.
final class ValidationErrorTests: XCTestCase {
    private typealias Problem = SafeTensorsError.Problem

    /// Writes `bytes` to a scratch file, opens it, and checks the thrown error's
    /// problem, tensor and full message (after the file path).
    private func assertRejects(_ bytes: [UInt8], _ problem: Problem, tensor: String? = nil, message: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("bad.safetensors")
        try TestFiles.write(bytes, to: url)
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: url), file: file, line: line) { error in
            guard let error = error as? SafeTensorsError else {
                return XCTFail("not a SafeTensorsError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.problem, problem, file: file, line: line)
            XCTAssertEqual(error.tensor, tensor, file: file, line: line)
            XCTAssertEqual(error.description, "\(url.path): \(message)", file: file, line: line)
        }
    }

    private func assertRejects(header: String, data: [UInt8] = [], _ problem: Problem, tensor: String? = nil, message: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRejects(TestFiles.rawFile(header: header, data: data), problem, tensor: tensor, message: message, file: file, line: line)
    }

    private func entry(_ dtype: String = "F32", shape: String = "[1]", offsets: String = "[0,4]") -> String {
        #"{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    // MARK: length prefix and file

    func testFileShorterThanLengthPrefix() throws {
        try assertRejects([1, 0, 0, 0, 0], .fileTooSmall(size: 5),
                          message: "file is 5 bytes, shorter than the 8-byte header length prefix")
    }

    func testHeaderLengthAboveLimit() throws {
        try assertRejects(TestFiles.rawFile(headerLength: 100_000_001, headerBytes: Array("{}".utf8)),
                          .headerTooLarge(length: 100_000_001, limit: 100_000_000),
                          message: "header length 100000001 exceeds the limit of 100000000 bytes")
    }

    func testHeaderLengthPastEndOfFile() throws {
        try assertRejects(TestFiles.rawFile(headerLength: 100, headerBytes: Array("{}        ".utf8)),
                          .headerPastEndOfFile(length: 100, fileSize: 18),
                          message: "header length 100 runs past the end of the file (18 bytes, header must fit in 10)")
    }

    func testMissingFileAndDirectory() throws {
        let directory = try makeScratchFolder("loraf-formats")
        let missing = directory.appendingPathComponent("absent.safetensors")
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: missing)) {
            XCTAssertEqual(($0 as? SafeTensorsError)?.problem, .cannotOpen(reason: "No such file or directory"))
            XCTAssertEqual("\($0)", "\(missing.path): cannot open: No such file or directory")
        }
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: directory)) {
            XCTAssertEqual("\($0)", "\(directory.path): not a regular file")
        }
    }

    // MARK: JSON

    func testHeaderNotUTF8() throws {
        let json: [UInt8] = Array(#"{"a"#.utf8) + [0xFF] + Array(#"":{}}"#.utf8)
        try assertRejects(TestFiles.rawFile(headerLength: UInt64(json.count), headerBytes: json), .headerNotUTF8(offset: 1),
                          message: "header is not valid UTF-8 (string starting at header byte 1)")
    }

    func testHeaderNotJSON() throws {
        try assertRejects(header: #"{"a":"#, .headerSyntax(offset: 5, reason: "expected a value, found end of header"),
                          message: "header is not valid JSON at byte 5: expected a value, found end of header")
        try assertRejects(header: "{} x", .headerSyntax(offset: 3, reason: "unexpected 'x' after the top-level value"),
                          message: "header is not valid JSON at byte 3: unexpected 'x' after the top-level value")
        try assertRejects(header: #"{"a\q":1}"#, .headerSyntax(offset: 4, reason: "invalid escape 'q'"),
                          message: "header is not valid JSON at byte 4: invalid escape 'q'")
        try assertRejects(header: #"{"a":01}"#, .headerSyntax(offset: 6, reason: "expected ',' or '}', found '1'"),
                          message: "header is not valid JSON at byte 6: expected ',' or '}', found '1'")
    }

    func testHeaderNestedTooDeep() throws {
        let nested = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        try assertRejects(header: #"{"a":\#(nested)}"#, .headerTooDeep(offset: 68, limit: 64),
                          message: "header JSON nests deeper than 64 levels at byte 68")
    }

    func testDuplicateKey() throws {
        try assertRejects(header: #"{"a":\#(entry()),"a":\#(entry())}"#, data: [0, 0, 0, 0],
                          .duplicateKey(offset: 54), tensor: "a",
                          message: "tensor 'a': key appears twice in the header (second at byte 54)")
    }

    func testHeaderNotAnObject() throws {
        try assertRejects(header: "[1]", .headerNotObject, message: "header is not a JSON object")
    }

    // MARK: metadata

    func testMetadataNotAnObject() throws {
        try assertRejects(header: #"{"__metadata__":"pt"}"#, .metadataNotObject, tensor: "__metadata__",
                          message: "tensor '__metadata__': __metadata__ is not an object")
    }

    func testMetadataValueNotAString() throws {
        try assertRejects(header: #"{"__metadata__":{"format":"pt","epochs":3}}"#, .metadataValueNotString,
                          tensor: "__metadata__.epochs", message: "tensor '__metadata__.epochs': __metadata__ value is not a string")
    }

    // MARK: entries

    func testEntryNotAnObject() throws {
        try assertRejects(header: #"{"w":[1,2]}"#, .entryNotObject, tensor: "w", message: "tensor 'w': entry is not an object")
    }

    func testEntryMissingFields() throws {
        try assertRejects(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], .missingField("dtype"),
                          tensor: "w", message: "tensor 'w': entry lacks 'dtype'")
        try assertRejects(header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], .missingField("shape"),
                          tensor: "w", message: "tensor 'w': entry lacks 'shape'")
        try assertRejects(header: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0], .missingField("data_offsets"),
                          tensor: "w", message: "tensor 'w': entry lacks 'data_offsets'")
    }

    func testFieldsOfTheWrongType() throws {
        try assertRejects(header: #"{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0],
                          .fieldWrongType(field: "dtype", expected: "a string"), tensor: "w",
                          message: "tensor 'w': 'dtype' is not a string")
        try assertRejects(header: #"{"w":\#(entry(shape: #"["1"]"#))}"#, data: [0, 0, 0, 0],
                          .fieldWrongType(field: "shape", expected: "an array of integers"), tensor: "w",
                          message: "tensor 'w': 'shape' is not an array of integers")
        try assertRejects(header: #"{"w":\#(entry(offsets: "4"))}"#, data: [0, 0, 0, 0],
                          .fieldWrongType(field: "data_offsets", expected: "an array of integers"), tensor: "w",
                          message: "tensor 'w': 'data_offsets' is not an array of integers")
    }

    func testUnknownDType() throws {
        try assertRejects(header: #"{"w":\#(entry("F128"))}"#, data: [0, 0, 0, 0], .unknownDType("F128"), tensor: "w",
                          message: "tensor 'w': unknown dtype 'F128' (known: BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64)")
    }

    func testNegativeDimension() throws {
        try assertRejects(header: #"{"w":\#(entry(shape: "[-1]"))}"#, data: [0, 0, 0, 0],
                          .negativeNumber(field: "shape", text: "-1"), tensor: "w",
                          message: "tensor 'w': 'shape' holds negative number -1")
    }

    func testNonIntegerDimensions() throws {
        try assertRejects(header: #"{"w":\#(entry(shape: "[1.0]"))}"#, data: [0, 0, 0, 0],
                          .nonIntegerNumber(field: "shape", text: "1.0"), tensor: "w",
                          message: "tensor 'w': 'shape' holds non-integer number 1.0")
        try assertRejects(header: #"{"w":\#(entry(offsets: "[0,4e0]"))}"#, data: [0, 0, 0, 0],
                          .nonIntegerNumber(field: "data_offsets", text: "4e0"), tensor: "w",
                          message: "tensor 'w': 'data_offsets' holds non-integer number 4e0")
    }

    func testNumberTooLargeForInt() throws {
        try assertRejects(header: #"{"w":\#(entry(offsets: "[0,18446744073709551616]"))}"#, data: [0, 0, 0, 0],
                          .numberTooLarge(field: "data_offsets", text: "18446744073709551616"), tensor: "w",
                          message: "tensor 'w': 'data_offsets' holds number 18446744073709551616, too large")
    }

    func testWrongNumberOfOffsets() throws {
        try assertRejects(header: #"{"w":\#(entry(offsets: "[0,2,4]"))}"#, data: [0, 0, 0, 0], .wrongOffsetCount(count: 3),
                          tensor: "w", message: "tensor 'w': 'data_offsets' has 3 numbers, expected 2")
    }

    func testShapeProductOverflow() throws {
        try assertRejects(header: #"{"w":\#(entry(shape: "[4294967296,4294967296]"))}"#, data: [0, 0, 0, 0],
                          .shapeOverflow(shape: [4_294_967_296, 4_294_967_296], dtype: .f32), tensor: "w",
                          message: "tensor 'w': shape [4294967296, 4294967296] of F32 overflows the byte count")
    }

    func testOffsetsReversed() throws {
        try assertRejects(header: #"{"w":\#(entry(offsets: "[4,0]"))}"#, data: [0, 0, 0, 0],
                          .offsetsReversed(begin: 4, end: 0), tensor: "w",
                          message: "tensor 'w': data_offsets [4, 0] begin after end")
    }

    func testOffsetsPastDataArea() throws {
        try assertRejects(header: #"{"w":\#(entry(shape: "[2]", offsets: "[0,8]"))}"#, data: [0, 0, 0, 0],
                          .offsetsPastDataArea(end: 8, dataSize: 4), tensor: "w",
                          message: "tensor 'w': data_offsets end 8 lies past the data area of 4 bytes")
    }

    func testShapeDisagreesWithByteRange() throws {
        try assertRejects(header: #"{"w":\#(entry(shape: "[2]"))}"#, data: [0, 0, 0, 0],
                          .byteCountMismatch(shape: [2], dtype: .f32, expected: 8, begin: 0, end: 4), tensor: "w",
                          message: "tensor 'w': shape [2] of F32 needs 8 bytes but data_offsets [0, 4] span 4")
    }

    // MARK: coverage of the data area

    func testOverlappingRanges() throws {
        try assertRejects(header: #"{"a":\#(entry(shape: "[2]", offsets: "[0,8]")),"b":\#(entry(shape: "[2]", offsets: "[4,12]"))}"#,
                          data: Array(repeating: 0, count: 12),
                          .overlap(previous: "a", previousEnd: 8, begin: 4), tensor: "b",
                          message: "tensor 'b': data begins at 4, inside tensor 'a' which ends at 8")
    }

    func testHoleBetweenRanges() throws {
        try assertRejects(header: #"{"a":\#(entry()),"b":\#(entry(offsets: "[8,12]"))}"#, data: Array(repeating: 0, count: 12),
                          .hole(previousEnd: 4, begin: 8), tensor: "b",
                          message: "tensor 'b': data begins at 8, leaving bytes 4..<8 of the data area unused")
    }

    func testUncoveredTail() throws {
        try assertRejects(header: #"{"a":\#(entry())}"#, data: Array(repeating: 0, count: 8),
                          .uncoveredTail(coveredEnd: 4, dataSize: 8),
                          message: "bytes 4..<8 at the end of the data area belong to no tensor")
    }

    // MARK: access

    func testAccessErrors() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("ok.safetensors")
        try SafeTensorsWriter.write([.int64("ids", shape: [1], values: [5]), .float32("w", shape: [1], values: [1]),
                                     .init(name: "h", dtype: .f16, shape: [1], bytes: [0, 0x3C])], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertThrowsError(try file.floats("missing")) {
            XCTAssertEqual("\($0)", "\(url.path): tensor 'missing': no such tensor")
        }
        XCTAssertThrowsError(try file.floats("ids")) {
            XCTAssertEqual("\($0)", "\(url.path): tensor 'ids': dtype I64 cannot be read as Float")
        }
        XCTAssertThrowsError(try file.integers("w")) {
            XCTAssertEqual("\($0)", "\(url.path): tensor 'w': dtype F32 cannot be read as Int")
        }
        XCTAssertThrowsError(try file.withFloat32Buffer(of: "h") { _ in }) {
            XCTAssertEqual("\($0)", "\(url.path): tensor 'h': dtype F16 cannot be read as a zero-copy Float32 buffer")
        }
        XCTAssertEqual(try file.floats("h"), [1])
    }

    // MARK: accepted edge cases

    func testAcceptsPaddingEscapesEmptyHeaderAndUnknownFields() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("edge.safetensors")
        let header = #"{"__metadata__":{"k\u00e9\ud83d\ude00":"a\/b\n"}, "w":{"dtype":"U8","shape":[],"data_offsets":[0,1],"extra":[{}]}}   "#
        try TestFiles.write(TestFiles.rawFile(header: header, data: [9]), to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.metadata, ["ké😀": "a/b\n"])
        XCTAssertEqual(try file.integers("w"), [9])

        try TestFiles.write(TestFiles.rawFile(header: "{}"), to: url)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url).entries, [])
    }
}
