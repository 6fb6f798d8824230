import Foundation
import XCTest
import LorafTestSupport
import LorafFormats
@testable import LorafLua

final class AdapterBindingsTests: XCTestCase {
    private func adaptedModel() throws -> LorafLuaHarness {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("""
            model = loraf.load_model(path, {num_labels = 2})
            name = model:adapt{strategy = 'lora', name = 'sst2', target_modules = {'query', 'value'}, r = 4,
                               lora_alpha = 8, lora_dropout = 0.1, modules_to_save = {'classifier'}}
            """)
        return lua
    }

    func testAdaptListsTrainsOnlyTheAdapterAndManagesAdapters() throws {
        let lua = try adaptedModel()
        XCTAssertEqual(try lua.value("return name").stringValue, "sst2")
        try lua.run("params = model:parameters()")
        // LoRA r = 4 on query and value of 6 layers: 6 * 2 * (4 * 384 + 384 * 4), plus the classifier copy 384 * 2 + 2.
        XCTAssertEqual(try lua.value("return params.trainable").integerValue, 6 * 2 * (4 * 384 * 2) + 384 * 2 + 2)
        XCTAssertEqual(try lua.value("return #model:modules('lora_A%.sst2$')").integerValue, 12)
        XCTAssertEqual(try lua.value("local a = model:adapters()[1]; return a.name .. ' ' .. a.strategy .. ' ' .. tostring(a.active)").stringValue,
                       "sst2 lora true")
        try lua.run("model:adapt{strategy = 'lora', name = 'other', target_modules = {'key'}}; model:set_adapter('sst2')")
        XCTAssertEqual(try lua.value("return model:adapters()[2].active").booleanValue, false)
        try lua.run("model:disable_adapters()")
        XCTAssertEqual(try lua.value("return model:adapters()[1].active").booleanValue, false)
        try lua.run("model:enable_adapters(); model:delete_adapter('other')")
        XCTAssertEqual(try lua.value("return #model:adapters()").integerValue, 1)
        // A mixed batch: the first example through the adapter, the second through the base model.
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value(
            "return model:forward{texts = {'x', 'y'}, adapter_names = {'sst2', false}}.logits:shape()")), [2, 2])
    }

    func testMergeUnmergeAndSaveLoadKeepTheLogits() throws {
        let lua = try adaptedModel()
        let directory = scratchURL("luabind-adapter")
        try lua.state.setGlobal("dir", .string(directory.path))
        try lua.run("""
            texts = {'a fine day', 'not good'}
            before = model:predict{texts = texts}.probs
            model:merge(); merged = model:predict{texts = texts}.probs; model:unmerge()
            model:save_adapter(dir)
            other = loraf.load_model(path, {num_labels = 2})
            other:load_adapter(dir, 'sst2')
            loaded = other:predict{texts = texts}.probs
            """)
        let before = LorafLuaHarness.numbers(try lua.value("return before"))
        for name in ["merged", "loaded"] {
            let after = LorafLuaHarness.numbers(try lua.value("return \(name)"))
            XCTAssertEqual(after.count, before.count)
            for (a, b) in zip(before, after) { XCTAssertEqual(a, b, accuracy: 1e-5, name) }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("adapter_model.safetensors").path))
    }

    func testStrategyOptionErrorsNameTheFunctionAndKey() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("model = loraf.load_model(path)")
        XCTAssertEqual(lua.error("model:adapt{strategy = 'lora', r = '8x'}"),
                       "test:1: Model:adapt: 'r' must be an integer in [1, 65536], got string \"8x\"")
        XCTAssertEqual(lua.error("model:adapt{strategy = 'lora', lora_aplha = 16}"),
                       "test:1: Model:adapt: unknown option 'lora_aplha'")
        XCTAssertEqual(lua.error("model:adapt{strategy = 'lora', r = print}"),
                       "test:1: Model:adapt: 'r' must be a number, string, boolean or table, got function")
        XCTAssertEqual(lua.error("model:set_adapter('nope')")?.contains("nope"), true)
    }

    func testExportGGUFAdapterWritesALlamaCppLoRAFile() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try smolLM2GGUF().path))
        let file = scratchURL("luabind-gguf-adapter").appendingPathExtension("gguf")
        try lua.state.setGlobal("out", .string(file.path))
        try lua.run("""
            lm = loraf.load_model(path)
            lm:adapt{strategy = 'lora', r = 4, lora_alpha = 8, target_modules = {'q_proj', 'v_proj'}}
            names = lm:export_gguf_adapter(out, {type = 'f16'})
            """)
        XCTAssertEqual(try lua.value("return #names").integerValue, 120)
        XCTAssertEqual(try lua.value("return names[1]").stringValue, "blk.0.attn_q.weight.lora_a")
        let written = try GGUFFile(contentsOf: file)
        XCTAssertEqual(try written.metadata.string("general.type"), "adapter")
        XCTAssertEqual(written.metadata["adapter.lora.alpha"], .float32(8))
        XCTAssertEqual(try written.entry("blk.0.attn_q.weight.lora_a").shape, [4, 576])
        XCTAssertEqual(try written.entry("blk.0.attn_q.weight.lora_a").type, .f16)
        XCTAssertEqual(lua.error("lm:export_gguf_adapter(out, {type = 'q4_0'})"),
                       "test:1: Model:export_gguf_adapter: 'type' must be \"f32\" or \"f16\", got string \"q4_0\"")
        XCTAssertEqual(lua.error("lm:export_gguf_adapter(out, {adapter = 'nope'})")?.contains("no adapter named 'nope'"), true)
    }
}
