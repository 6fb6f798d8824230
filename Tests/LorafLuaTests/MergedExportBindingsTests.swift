import Foundation
import XCTest
import LorafTestSupport
@testable import LorafLua

/// `model:save_merged`: a safetensors folder that loads back to the adapted model's logits, and argument errors.
final class MergedExportBindingsTests: XCTestCase {
    private func adaptedTinyLlama() throws -> LorafLuaHarness {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(fixturesDirectory.appendingPathComponent("tiny_decoders/llama").path))
        try lua.run("""
            model = loraf.load_model(path)
            model:adapt{strategy = 'lora', target_modules = {'q_proj', 'v_proj', 'down_proj'}, r = 4, init_lora_weights = false}
            ids = {{1, 17, 5, 44, 90, 3}}
            """)
        return lua
    }

    func testSaveMergedWritesAFolderWithTheAdaptedLogits() throws {
        let lua = try adaptedTinyLlama()
        try lua.state.setGlobal("out", .string(scratchURL("lua-merged").path))
        try lua.run("""
            report = model:save_merged(out, {dtype = 'f32'})
            merged = loraf.load_model(out)
            d = merged:forward{input_ids = ids}.logits - model:forward{input_ids = ids}.logits
            """)
        XCTAssertLessThan(try XCTUnwrap(lua.value("return (d * d):max():sqrt():item()").numberValue), 1e-5)
        XCTAssertEqual(try lua.value("return #report.merged").integerValue, 6)
        XCTAssertEqual(LorafLuaHarness.strings(try lua.value("return report.files")).map { URL(fileURLWithPath: $0).lastPathComponent },
                       ["model.safetensors", "config.json"])
    }

    func testBadArgumentsNameTheArgument() throws {
        let lua = try adaptedTinyLlama()
        XCTAssert(lua.error("model:save_merged('x', {format = 'onnx'})")?
            .hasPrefix("test:1: Model:save_merged: 'format' must be \"gguf\" or \"safetensors\", got") == true)
        XCTAssert(lua.error("model:save_merged('x', {dtype = 'requantize'})")?
            .hasPrefix("test:1: Model:save_merged: 'dtype' must be \"f32\", \"f16\", \"bf16\" for safetensors, got") == true)
        XCTAssert(lua.error("model:save_merged('x', {format = 'gguf'})")?.contains("GGUF output needs a base loaded from a GGUF file") == true)
        XCTAssert(lua.error("model:save_merged('x', {colour = 1})")?.contains("colour") == true)
    }
}
