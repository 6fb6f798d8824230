import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

private struct ProducerFailure: Error {}

final class WriterTests: XCTestCase {
    private func contents(of directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    func testHeaderIsCompactEscapedAndPaddedToEightBytes() throws {
        let url = try makeScratchFolder("loraf-formats").appendingPathComponent("h.safetensors")
        try SafeTensorsWriter.write([.float32("w\"1", shape: [1], values: [1])], metadata: ["k": "v\n\u{1}é/"], to: url)
        let bytes = try [UInt8](Data(contentsOf: url))
        let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let json = #"{"__metadata__":{"k":"v\n\u0001é/"},"w\"1":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        XCTAssertEqual(length % 8, 0)
        XCTAssertEqual(String(decoding: bytes[8..<(8 + length)], as: UTF8.self),
                       json + String(repeating: " ", count: length - json.utf8.count))
        XCTAssertLessThan(length - json.utf8.count, 8)
        XCTAssertEqual(bytes.count, 8 + length + 4)
    }

    func testStreamedTensorAndTooFewOrTooManyBytes() throws {
        let directory = try makeScratchFolder("loraf-formats")
        let url = directory.appendingPathComponent("s.safetensors")
        try SafeTensorsWriter.write([.init(name: "u", dtype: .u16, shape: [2, 2]) { sink in
            for value: UInt16 in [1, 2, 3, 4] { try sink.write(littleEndianBytes(value)) }
        }], to: url)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url).integers("u"), [1, 2, 3, 4])

        let short = SafeTensorsWriter.Tensor(name: "u", dtype: .u16, shape: [2]) { try $0.write([1, 0]) }
        XCTAssertThrowsError(try SafeTensorsWriter.write([short], to: url)) {
            XCTAssertEqual("\($0)", "\(url.path): tensor 'u': shape and dtype need 4 bytes but 2 were given")
        }
        let long = SafeTensorsWriter.Tensor(name: "u", dtype: .u16, shape: [1]) { try $0.write([1, 0, 2, 0]) }
        XCTAssertThrowsError(try SafeTensorsWriter.write([long], to: url)) {
            XCTAssertEqual("\($0)", "\(url.path): tensor 'u': shape and dtype need 2 bytes but 4 were given")
        }
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url).integers("u"), [1, 2, 3, 4], "failed writes left the file alone")
        XCTAssertEqual(try contents(of: directory), ["s.safetensors"], "no temporary file left behind")
    }

    func testInvalidTensorsAreRefusedBeforeWriting() throws {
        let directory = try makeScratchFolder("loraf-formats")
        let url = directory.appendingPathComponent("bad.safetensors")
        let cases: [([SafeTensorsWriter.Tensor], String)] = [
            ([.float32("a", shape: [1], values: [1]), .float32("a", shape: [1], values: [2])],
             "tensor 'a': name given to more than one tensor"),
            ([.float32("__metadata__", shape: [1], values: [1])], "tensor '__metadata__': name is reserved for the metadata"),
            ([.float32("a", shape: [2, -1], values: [])], "tensor 'a': shape [2, -1] has a negative dimension"),
            ([.float32("a", shape: [3], values: [1, 2])], "tensor 'a': shape and dtype need 12 bytes but 8 were given"),
            ([.int64("a", shape: [1 << 62, 4], values: [])], "tensor 'a': shape [4611686018427387904, 4] of I64 overflows the byte count"),
        ]
        for (tensors, message) in cases {
            XCTAssertThrowsError(try SafeTensorsWriter.write(tensors, to: url)) {
                XCTAssertEqual("\($0)", "\(url.path): \(message)")
            }
        }
        XCTAssertEqual(try contents(of: directory), [])
    }

    func testFailureMidWriteLeavesTargetUntouchedAndRemovesTemporary() throws {
        let directory = try makeScratchFolder("loraf-formats")
        let url = directory.appendingPathComponent("keep.safetensors")
        try SafeTensorsWriter.write([.float32("old", shape: [1], values: [7])], to: url)
        let before = try Data(contentsOf: url)
        let failing = SafeTensorsWriter.Tensor(name: "new", dtype: .u8, shape: [4]) { sink in
            try sink.write([1, 2])
            throw ProducerFailure()
        }
        XCTAssertThrowsError(try SafeTensorsWriter.write([.float32("a", shape: [1], values: [1]), failing], to: url)) {
            XCTAssertTrue($0 is ProducerFailure)
        }
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try contents(of: directory), ["keep.safetensors"])
    }

    func testIOFailuresAreReported() throws {
        let directory = try makeScratchFolder("loraf-formats")
        let missing = directory.appendingPathComponent("no/such/dir/x.safetensors")
        XCTAssertThrowsError(try SafeTensorsWriter.write([], to: missing)) { error in
            guard case .ioFailure(let operation, _, let reason)? = (error as? SafeTensorsError)?.problem else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(operation, "create temporary file")
            XCTAssertEqual(reason, "No such file or directory")
        }
        // Renaming a file over a non-empty directory fails; the temporary must go.
        let occupied = directory.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: occupied.appendingPathComponent("inside"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try SafeTensorsWriter.write([.float32("a", shape: [1], values: [1])], to: occupied)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(occupied.path): rename to target '\(directory.path)/.occupied.tmp-"), "\(error)")
        }
        XCTAssertEqual(try contents(of: directory), ["occupied"])
    }
}
