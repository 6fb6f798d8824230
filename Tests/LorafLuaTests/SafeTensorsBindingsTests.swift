import Foundation
import XCTest
import LorafTestSupport
@testable import LorafLua

final class SafeTensorsBindingsTests: XCTestCase {
    func testSaveThenLoadRoundTripsTensorsAndMetadata() throws {
        let lua = try LorafLuaHarness()
        let path = scratchURL("luabind").appendingPathExtension("safetensors").path
        try lua.state.setGlobal("path", .string(path))
        try lua.run("loraf.safetensors.save(path, {w = loraf.tensor{{1.5, 2}, {3, 4}}, b = loraf.tensor{-1}}, {format = 'pt'})")
        try lua.run("tensors, metadata = loraf.safetensors.load(path)")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return tensors.w:totable()")), [1.5, 2, 3, 4])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return tensors.b:shape()")), [1])
        XCTAssertEqual(try lua.value("return metadata.format").stringValue, "pt")
    }

    func testIntegerTensorsLoadAsNestedIntegerLists() throws {
        let lua = try LorafLuaHarness()
        let path = scratchURL("luabind-int").appendingPathExtension("safetensors")
        try LorafFormatsTestWriter.writeIds(to: path)
        try lua.state.setGlobal("path", .string(path.path))
        try lua.run("tensors = loraf.safetensors.load(path)")
        XCTAssertEqual(try lua.value("return math.type(tensors.ids[2][3])").stringValue, "integer")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return tensors.ids")), [101, 7592, 102, 101, 2088, 102])
    }

    func testErrorsNameTheFileAndArgument() throws {
        let lua = try LorafLuaHarness()
        let missing = try XCTUnwrap(lua.error("loraf.safetensors.load('/nonexistent/x.safetensors')"))
        XCTAssertTrue(missing.contains("/nonexistent/x.safetensors"), missing)
        XCTAssertEqual(lua.error("loraf.safetensors.save('/tmp/x.safetensors', {w = 3})"),
                       "test:1: bad argument #2 to 'save' (entry 'w' is number 3, expected a Tensor)")
    }
}

import LorafFormats

/// Writes a small I64 tensor of token ids with LorafFormats.
enum LorafFormatsTestWriter {
    static func writeIds(to url: URL) throws {
        try SafeTensorsWriter.write([.int64("ids", shape: [2, 3], values: [101, 7592, 102, 101, 2088, 102])], to: url)
    }
}
