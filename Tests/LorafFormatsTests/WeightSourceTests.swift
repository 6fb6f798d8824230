import Foundation
import XCTest
import LorafTestSupport
@testable import LorafFormats

/// The WeightSource protocol over its three kinds, the sharded safetensors checks, and the opener.
final class WeightSourceTests: XCTestCase {
    private let first = "model-00001-of-00002.safetensors", second = "model-00002-of-00002.safetensors"

    /// Two shards and an index mapping each tensor to its shard; `extra` adds tensors to shard two,
    /// `map` overrides the weight_map.
    private func shardedFolder(extra: [SafeTensorsWriter.Tensor] = [], map: [(String, String)]? = nil) throws -> URL {
        let folder = try makeScratchFolder("loraf-shards")
        try SafeTensorsWriter.write([.float32("a", shape: [2, 2], values: [1, 2, 3, 4]), .float32("b", shape: [1], values: [5])],
                                    to: folder.appendingPathComponent(first))
        try SafeTensorsWriter.write([.init(name: "c", dtype: .bf16, shape: [2], bytes: [0x80, 0x3F, 0x00, 0xC0])] + extra,
                                    to: folder.appendingPathComponent(second))
        let entries = (map ?? [("b", first), ("a", first), ("c", second)]).map { "\"\($0.0)\": \"\($0.1)\"" }
        let index = "{\"metadata\": {\"total_size\": 26}, \"weight_map\": {\(entries.joined(separator: ", "))}}"
        try Data(index.utf8).write(to: folder.appendingPathComponent(WeightSources.shardIndexName))
        return folder
    }

    private func assertIndexRejects(_ folder: URL, _ problem: WeightSourceError.Problem, _ message: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        let index = folder.appendingPathComponent(WeightSources.shardIndexName)
        XCTAssertThrowsError(try WeightSources.open(folder), file: file, line: line) {
            XCTAssertEqual(($0 as? WeightSourceError)?.problem, problem, file: file, line: line)
            XCTAssertEqual("\($0)", index.path + message, file: file, line: line)
        }
    }

    func testShardedFolderReadsEveryShard() throws {
        let folder = try shardedFolder()
        let source = try WeightSources.open(folder)
        XCTAssertTrue(source is ShardedSafeTensors)
        XCTAssertEqual(source.tensorNames, ["a", "b", "c"])
        XCTAssertEqual(try source.tensorInfo("a"), WeightTensorInfo(name: "a", shape: [2, 2], dtype: .element(.f32), byteCount: 16))
        XCTAssertEqual(try source.floats("a"), [1, 2, 3, 4])
        XCTAssertEqual(try source.floats("c"), [1, -2])
        XCTAssertEqual(Array(try source.tensorBytes("c")), [0x80, 0x3F, 0x00, 0xC0])
        XCTAssertThrowsError(try source.tensorInfo("z")) {
            XCTAssertEqual("\($0)", folder.appendingPathComponent(WeightSources.shardIndexName).path + ": tensor 'z': no such tensor")
        }
        let sharded = try XCTUnwrap(source as? ShardedSafeTensors)
        XCTAssertEqual(sharded.shards.map(\.url.lastPathComponent), [first, second])
        XCTAssertEqual(try sharded.shard(of: "c").url.lastPathComponent, second)
    }

    func testMissingShard() throws {
        let folder = try shardedFolder()
        try FileManager.default.removeItem(at: folder.appendingPathComponent(second))
        assertIndexRejects(folder, .missingShard(second), ": tensor 'c': shard '\(second)' does not exist")
    }

    func testTensorAbsentFromItsShard() throws {
        let folder = try shardedFolder(map: [("a", first), ("b", first), ("c", second), ("d", second)])
        assertIndexRejects(folder, .tensorNotInShard(shard: second), ": tensor 'd': the index places it in shard '\(second)', which does not hold it")
    }

    func testTensorInTwoShards() throws {
        let folder = try shardedFolder(extra: [.float32("a", shape: [1], values: [9])])
        assertIndexRejects(folder, .tensorInTwoShards(first: first, second: second), ": tensor 'a': held by both shard '\(first)' and shard '\(second)'")
    }

    func testShardTensorsTheIndexDoesNotPlaceThere() throws {
        let unlisted = try shardedFolder(extra: [.float32("e", shape: [1], values: [9])])
        assertIndexRejects(unlisted, .tensorNotInIndex(shard: second, indexed: nil),
                           ": tensor 'e': shard '\(second)' holds it but the index's weight_map does not list it")
        let misplaced = try shardedFolder(map: [("a", first), ("b", second), ("c", second)])
        assertIndexRejects(misplaced, .tensorNotInIndex(shard: first, indexed: second),
                           ": tensor 'b': shard '\(first)' holds it but the index places it in shard '\(second)'")
    }

    func testBadIndexes() throws {
        let escape = try shardedFolder(map: [("a", "../x.safetensors")])
        assertIndexRejects(escape, .shardNameNotPlain("../x.safetensors"), ": tensor 'a': shard name '../x.safetensors' is not a plain file name in the index's folder")
        let folder = try shardedFolder()
        let index = folder.appendingPathComponent(WeightSources.shardIndexName)
        for (text, problem, message) in [
            ("{\"weight_map\": [1]}", WeightSourceError.Problem.missingWeightMap, ": index has no 'weight_map' object"),
            ("[]", .indexNotObject, ": index is not a JSON object"),
            ("{\"weight_map\": {\"a\": 1}}", .shardNameNotString, ": tensor 'a': weight_map value is not a string"),
            ("{\"weight_map\": {\"a\": \"x\", \"a\": \"y\"}}", .indexSyntax(offset: 26, reason: "key 'a' appears twice"),
             ": index is not valid JSON at byte 26: key 'a' appears twice"),
        ] {
            try Data(text.utf8).write(to: index)
            assertIndexRejects(folder, problem, message)
        }
        // A shard that is not valid safetensors gives the shard's own error.
        try Data("{\"weight_map\": {\"a\": \"\(first)\"}}".utf8).write(to: index)
        try Data([1, 2, 3]).write(to: folder.appendingPathComponent(first))
        XCTAssertThrowsError(try WeightSources.open(folder)) {
            XCTAssertEqual("\($0)", folder.appendingPathComponent(first).path + ": file is 3 bytes, shorter than the 8-byte header length prefix")
        }
    }

    func testOpenerPicksTheKindFromThePath() throws {
        let folder = try makeScratchFolder("loraf-sources")
        let single = folder.appendingPathComponent(WeightSources.singleFileName)
        try SafeTensorsWriter.write([.float32("w", shape: [1, 3], values: [1, 2, 3])], to: single)
        XCTAssertTrue(try WeightSources.open(folder) is SafeTensorsFile)
        XCTAssertTrue(try WeightSources.open(single) is SafeTensorsFile)
        XCTAssertEqual(try WeightSources.open(folder).tensorInfo("w").shape, [1, 3])
        let gguf = folder.appendingPathComponent("m.GGUF")
        try GGUFWriter.write(metadata: [], tensors: [.float32("w", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])], to: gguf)
        let source = try WeightSources.open(gguf)
        XCTAssertTrue(source is GGUFFile)
        XCTAssertEqual(try source.tensorInfo("w"), WeightTensorInfo(name: "w", shape: [2, 3], dtype: .element(.f32), byteCount: 24))
        XCTAssertEqual(try source.floats("w"), [1, 2, 3, 4, 5, 6])

        let other = folder.appendingPathComponent("notes.txt")
        try Data("x".utf8).write(to: other)
        let empty = try makeScratchFolder("loraf-sources")
        for (url, problem) in [(other, WeightSourceError.Problem.unknownKind), (empty, .folderWithoutWeights),
                               (folder.appendingPathComponent("absent.gguf"), .notFound)] {
            XCTAssertThrowsError(try WeightSources.open(url)) { XCTAssertEqual(($0 as? WeightSourceError)?.problem, problem) }
        }
        XCTAssertThrowsError(try WeightSources.open(empty)) {
            XCTAssertEqual("\($0)", empty.path + ": folder holds neither model.safetensors.index.json nor model.safetensors")
        }
        XCTAssertThrowsError(try WeightSources.open(other)) {
            XCTAssertEqual("\($0)", other.path + ": not a weight source: expected a .gguf or .safetensors file, a model.safetensors.index.json, "
                           + "or a folder holding one of model.safetensors.index.json or model.safetensors")
        }
    }

    func testIntegerTensorsAreNotFloats() throws {
        let url = try makeScratchFolder("loraf-sources").appendingPathComponent("i.safetensors")
        try SafeTensorsWriter.write([.int64("ids", shape: [2], values: [1, 2])], to: url)
        let source: any WeightSource = try SafeTensorsFile(contentsOf: url)
        XCTAssertThrowsError(try source.floats("ids")) {
            XCTAssertEqual("\($0)", url.path + ": tensor 'ids': dtype I64 cannot be read as Float")
        }
        XCTAssertTrue(source.contains("ids"))
        XCTAssertFalse(source.contains("x"))
    }

    /// Released pages are only dropped from resident memory: every kind of source reads the same bytes afterwards,
    /// and the sources that keep tensor bytes alive do so through their mapping (`bytesOwner`), not themselves.
    func testReleasedPagesReadTheSameBytes() throws {
        let folder = try makeScratchFolder("loraf-release")
        let values = (0..<5000).map { Float($0) * 0.5 - 7 }   // ~20 KB: whole pages inside the tensor
        let safetensors = folder.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write([.float32("small", shape: [3], values: [1, 2, 3]), .float32("w", shape: [50, 100], values: values)],
                                    to: safetensors)
        let gguf = folder.appendingPathComponent("model.gguf")
        let tokens = (0..<4000).map { "token\($0)" }   // a header of several pages, released once parsed
        try GGUFWriter.write(metadata: GGUFTestFiles.everyValueType + [.init("tokens", .array(.string(tokens)))],
                             tensors: [.float32("small", shape: [3], values: [1, 2, 3]), .float32("w", shape: [50, 100], values: values)], to: gguf)
        let sources: [any WeightSource] = [try SafeTensorsFile(contentsOf: safetensors), try GGUFFile(contentsOf: gguf)]
        for source in sources {
            let before = try source.floats("w")
            XCTAssertEqual(before, values)
            for name in ["w", "small", "absent"] { source.releasePages(ofTensor: name) }
            XCTAssertEqual(try source.floats("w"), before, "\(type(of: source))")
            XCTAssertEqual(try source.floats("small"), [1, 2, 3])
        }
        XCTAssertFalse(sources[0].bytesOwner === sources[0])
        XCTAssertFalse(sources[1].bytesOwner === sources[1])
        let sharded = try WeightSources.open(shardedFolder())
        sharded.releasePages(ofTensor: "a")
        XCTAssertEqual(try sharded.floats("a"), [1, 2, 3, 4])
        let parsed = try GGUFFile(contentsOf: gguf)
        XCTAssertGreaterThan(parsed.dataOffset, 8192)
        XCTAssertEqual(parsed.metadata["tokens"]?.stringArray, tokens, "the released header was parsed into copies")
        XCTAssertEqual(parsed.metadata["text"]?.string, "ça va? 日本 🙂\n")
    }

    /// readFloats decodes into the caller's buffer exactly what floats() returns, and names a wrong size or dtype.
    func testReadFloatsFillsTheDestination() throws {
        let folder = try makeScratchFolder("loraf-read")
        let url = folder.appendingPathComponent("w.safetensors")
        try SafeTensorsWriter.write([.float32("f32", shape: [2, 3], values: [1, -2, 3.5, 0, 1e-3, -7]),
                                     .init(name: "bf16", dtype: .bf16, shape: [2], bytes: [0x80, 0x3F, 0x00, 0xC0]),
                                     .int64("ids", shape: [2], values: [1, 2])], to: url)
        let source: any WeightSource = try SafeTensorsFile(contentsOf: url)
        for (name, count) in [("f32", 6), ("bf16", 2)] {
            var values = [Float](repeating: .nan, count: count)
            try values.withUnsafeMutableBufferPointer { try source.readFloats(name, into: $0) }
            XCTAssertEqual(values, try source.floats(name))
        }
        var short = [Float](repeating: 0, count: 5)
        XCTAssertThrowsError(try short.withUnsafeMutableBufferPointer { try source.readFloats("f32", into: $0) }) {
            XCTAssertEqual("\($0)", url.path + ": tensor 'f32': has 6 elements but the destination holds 5")
        }
        var ids = [Float](repeating: 0, count: 2)
        XCTAssertThrowsError(try ids.withUnsafeMutableBufferPointer { try source.readFloats("ids", into: $0) }) {
            XCTAssertEqual("\($0)", url.path + ": tensor 'ids': dtype I64 cannot be read as Float")
        }
    }
}
