import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

/// GGUFWriter against GGUFFile: every value type, every tensor type, alignment, and the writer's refusals.
final class GGUFWriterTests: XCTestCase {
    /// Writes, reads back, writes what was read: the two files must be identical byte for byte
    /// (so every value, NaN payloads included, and every tensor byte survived), and the read
    /// file must report what was written.
    func testRoundTripOfEveryValueTypeAndTensorTypeIsBitwise() throws {
        let directory = try makeScratchFolder("loraf-gguf")
        let first = directory.appendingPathComponent("a.gguf"), second = directory.appendingPathComponent("b.gguf")
        let tensors = GGUFTestFiles.tensorOfEveryType(seed: 7)
        try GGUFWriter.write(metadata: GGUFTestFiles.everyValueType, tensors: tensors, to: first)
        let file = try GGUFFile(contentsOf: first)
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.metadata.keys, GGUFTestFiles.everyValueType.map(\.key))
        for (read, written) in zip(file.metadata.entries, GGUFTestFiles.everyValueType) where written.key != "a.f32" {
            XCTAssertEqual(read, written)
        }
        XCTAssertEqual(file.metadata["a.f32"]?.floatArray?.map(\.bitPattern),
                       [Float.infinity, .leastNonzeroMagnitude, .nan, -1.5].map(\.bitPattern))
        XCTAssertEqual(file.metadata["f32"]?.float?.sign, .minus)
        XCTAssertEqual(file.tensorNames, tensors.map(\.name))
        for tensor in tensors {
            XCTAssertEqual(try file.tensorInfo(tensor.name).shape, tensor.shape)
            XCTAssertEqual(try file.entry(tensor.name).type, tensor.type)
            XCTAssertEqual(Array(try file.tensorBytes(tensor.name)), tensor.bytes, tensor.name)
            XCTAssertEqual(try file.entry(tensor.name).offset % 32, 0)
        }
        let again = try file.tensors.map { GGUFWriter.Tensor(name: $0.name, shape: $0.shape, type: $0.type, bytes: Array(try file.tensorBytes($0.name))) }
        try GGUFWriter.write(metadata: file.metadata.entries, tensors: again, to: second)
        XCTAssertEqual(try Data(contentsOf: second), try Data(contentsOf: first))
    }

    func testAlignmentFromMetadataPadsOffsetsAndDataSection() throws {
        let directory = try makeScratchFolder("loraf-gguf")
        for alignment: UInt32 in [1, 8, 64, 4096] {
            let url = directory.appendingPathComponent("a\(alignment).gguf")
            let tensors: [GGUFWriter.Tensor] = [.float32("a", shape: [3], values: [1, 2, 3]), .float32("b", shape: [1, 1], values: [4])]
            try GGUFWriter.write(metadata: [.init("general.alignment", .uint32(alignment))], tensors: tensors, to: url)
            let file = try GGUFFile(contentsOf: url)
            let a = Int(alignment)
            XCTAssertEqual(file.alignment, a)
            XCTAssertEqual(file.dataOffset % a, 0)
            XCTAssertEqual(file.tensors.map(\.offset), [0, (12 + a - 1) / a * a])
            XCTAssertEqual(try file.floats("b"), [4])
            let size = try Data(contentsOf: url).count
            XCTAssertEqual(size, file.dataOffset + file.tensors[1].offset + (4 + a - 1) / a * a)
        }
        let url = directory.appendingPathComponent("default.gguf")
        try GGUFWriter.write(metadata: [], tensors: [.float32("w", shape: [1], values: [5])], to: url)
        // 24-byte header, info: 8 + 1 name, 4 n_dims, 8 ne, 4 type, 8 offset = 57, padded to 64.
        XCTAssertEqual(try GGUFFile(contentsOf: url).dataOffset, 64)
        XCTAssertEqual(try Data(contentsOf: url).count, 96)
    }

    func testEmptyFileHasNoTensorsAndNoMetadata() throws {
        let url = try makeScratchFolder("loraf-gguf").appendingPathComponent("e.gguf")
        try GGUFWriter.write(metadata: [], tensors: [], to: url)
        let file = try GGUFFile(contentsOf: url)
        XCTAssertEqual(file.tensors, [])
        XCTAssertEqual(file.metadata.entries, [])
    }

    func testWriterRefusesBadInputWithoutTouchingTheTarget() throws {
        let directory = try makeScratchFolder("loraf-gguf")
        let url = directory.appendingPathComponent("w.gguf")
        try GGUFWriter.write(metadata: [], tensors: [], to: url)
        let original = try Data(contentsOf: url)
        let f32 = GGUFWriter.Tensor.float32("w", shape: [2], values: [1, 2])
        let cases: [([GGUFMetadata.Entry], [GGUFWriter.Tensor], String)] = [
            ([.init("k", .uint8(1)), .init("k", .uint8(2))], [], "key 'k': key appears twice in the metadata"),
            ([.init("", .uint8(1))], [], "key '': name is empty"),
            ([.init("general.alignment", .uint32(24))], [], "key 'general.alignment': general.alignment must be a uint32 power of two, found uint32 24"),
            ([.init("general.alignment", .uint64(32))], [], "key 'general.alignment': general.alignment must be a uint32 power of two, found uint64 32"),
            ([], [f32, f32], "tensor 'w': name given to more than one tensor"),
            ([], [.float32("", shape: [1], values: [1])], "tensor '': name is empty"),
            ([], [.float32(String(repeating: "n", count: 64), shape: [1], values: [1])],
             "tensor '\(String(repeating: "n", count: 64))': name is 64 bytes; llama.cpp reads at most 63"),
            ([], [.float32("w", shape: [], values: [1])], "tensor 'w': shape [] must have 1 to 4 dimensions, each at least 1"),
            ([], [.float32("w", shape: [1, 1, 1, 1, 1], values: [1])], "tensor 'w': shape [1, 1, 1, 1, 1] must have 1 to 4 dimensions, each at least 1"),
            ([], [.float32("w", shape: [0], values: [])], "tensor 'w': shape [0] must have 1 to 4 dimensions, each at least 1"),
            ([], [.init(name: "q", shape: [2, 16], type: .q4_0, bytes: [])], "tensor 'q': ne[0] 16 is not a multiple of the Q4_0 block size 32"),
            ([], [.init(name: "q", shape: [2, 32], type: .q4_0, bytes: [0])], "tensor 'q': shape and type need 36 bytes but 1 were given"),
            ([], [.init(name: "h", shape: [1 << 62, 4], type: .f16, bytes: [])], "tensor 'h': ne [4, 4611686018427387904] of F16 overflows the byte count"),
        ]
        for (metadata, tensors, message) in cases {
            XCTAssertThrowsError(try GGUFWriter.write(metadata: metadata, tensors: tensors, to: url)) {
                XCTAssertEqual("\($0)", "\(url.path): \(message)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: url), original)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["w.gguf"])
    }

    func testWriteIntoMissingFolderIsAnIOFailure() throws {
        let url = scratchURL("loraf-gguf").appendingPathComponent("x.gguf")
        XCTAssertThrowsError(try GGUFWriter.write(metadata: [], tensors: [], to: url)) {
            guard case .ioFailure(let operation, _, let reason)? = ($0 as? GGUFError)?.problem else {
                return XCTFail("\($0)")
            }
            XCTAssertEqual(operation, "create temporary file")
            XCTAssertEqual(reason, "No such file or directory")
        }
    }
}
