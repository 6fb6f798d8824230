import Foundation
import XCTest
import LorafKernels
import LorafTestSupport
@testable import LorafLua

/// The Lua side of issue 14: each case ended in a crash, a silent wrong result or a misleading message.
final class BadInputBindingsTests: XCTestCase {
    private func model() throws -> LorafLuaHarness {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("model = loraf.load_model(path, {num_labels = 2})")
        return lua
    }

    /// Item 9: huge sizes raise a Lua error naming the function; the process survives.
    func testHugeSizesAreLuaErrors() throws {
        let lua = try model()
        let cases = [
            ("loraf.zeros{2^40}", "zeros"), ("loraf.randn{2^40}", "randn"), ("loraf.zeros{math.maxinteger}", "zeros"),
            ("loraf.zeros{2^62, 4}", "zeros"), ("loraf.tensor{1, 2, 3, 4}:reshape{2^32, 2^32}", "reshape"),
            ("model:adapt{strategy = 'lora', r = 2^31}", "adapt"), ("model:adapt{strategy = 'lora', r = 1e9}", "adapt"),
            ("model:adapt{strategy = 'lora', rank_pattern = {query = 2^62}}", "adapt"),
            ("model:adapt{strategy = 'lora', rank_pattern = {query = 1e300}}", "adapt"),
            ("model:adapt{strategy = 'lora', alpha_pattern = {query = 1e300}}", "adapt"),
            ("loraf.load_model(path, {num_labels = 2^40})", "load_model"),
        ]
        for (chunk, function) in cases {
            let message = try XCTUnwrap(lua.error("return \(chunk)"), chunk)
            XCTAssertTrue(message.contains(function), "\(chunk): \(message)")
        }
        XCTAssertTrue(lua.error("return loraf.zeros{2^40}")?.contains("4.0 TiB") == true)
        XCTAssertTrue(lua.error("return model:adapt{strategy = 'lora', r = 2^31}")?.contains("[1, 65536]") == true)
        XCTAssertEqual(try lua.value("return loraf.zeros{0, 2^62}:sum():item()").numberValue, 0)
    }

    /// Item 5: each forward in training mode draws fresh dropout masks, reproducibly from the training seed.
    func testTrainModeForwardsDrawFreshMasksReproducibly() throws {
        func twoForwards(_ lua: LorafLuaHarness, seed: Int) throws -> [[Double]] {
            try lua.run("model:train{seed = \(seed)}")
            return try (0..<2).map { _ in LorafLuaHarness.numbers(try lua.value("return model:forward{texts = {'a fine film'}}.logits:totable()")) }
        }
        let lua = try model()
        let first = try twoForwards(lua, seed: 4)
        XCTAssertNotEqual(first[0], first[1], "dropout masks must differ between calls")
        XCTAssertEqual(try twoForwards(lua, seed: 4), first, "the same seed gives the same sequence of masks")
        XCTAssertNotEqual(try twoForwards(lua, seed: 5)[0], first[0])
    }

    /// Items 1, 2 and 7: merge and load_adapter options, frozen loads, the default adapter name, one prefix.
    func testAdapterOptionsFrozenLoadsAndMessages() throws {
        let lua = try model()
        let folder = scratchURL("lua-bad-input")
        try lua.state.setGlobal("dir", .string(folder.path))
        try lua.run("model:adapt{strategy = 'lora', init_lora_weights = false}; model:save_adapter(dir)")
        XCTAssertEqual(lua.error("model:merge{safe = true}"), "test:1: Model:merge: unknown argument 'safe' (expected one of: safe_merge)")
        try lua.run("model:merge{safe_merge = true}; model:unmerge(); model:delete_adapter('default')")
        XCTAssertEqual(lua.error("model:load_adapter(dir, 'x', {trainable = true})"),
                       "test:1: Model:load_adapter: unknown argument 'trainable' (expected one of: is_trainable)")
        try lua.run("model:load_adapter(dir)") // no name: "default", as PEFT's from_pretrained
        XCTAssertEqual(try lua.value("return model:adapters()[1].name").stringValue, "default")
        XCTAssertEqual(try lua.value("return model:parameters().trainable").integerValue, 0)
        XCTAssertTrue(try lua.value("return (model:summary())").stringValue?.contains("(lora, inference only, active)") == true)
        try lua.run("model:load_adapter(dir, 'tuned', {is_trainable = true})")
        XCTAssertGreaterThan(try lua.value("return model:parameters().trainable").integerValue ?? 0, 0)

        let data = try makeScratchFolder("lua-bad-input").appendingPathComponent("d.txt")
        try Data("1 good\n0 bad\n".utf8).write(to: data)
        try lua.state.setGlobal("data", .string(data.path))
        let message = try XCTUnwrap(lua.error("loraf.train{model = model, train = data, max_grad_norm = 0}"))
        XCTAssertEqual(message, "test:1: loraf.train: 'max_grad_norm' must be positive, got 0.0")
    }

    /// Item 8: on_bad_line = "skip" keeps the good lines of a file with label-only lines.
    func testDatasetSkipsBadLinesOnRequest() throws {
        let lua = try LorafLuaHarness()
        let data = try makeScratchFolder("lua-bad-lines").appendingPathComponent("cr.txt")
        try Data("1 works\n0\n1 fine\n1\n".utf8).write(to: data)
        try lua.state.setGlobal("data", .string(data.path))
        XCTAssertTrue(lua.error("loraf.dataset(data)")?.contains("cr.txt:2: label 0 has no text after it") == true)
        XCTAssertEqual(try lua.value("return loraf.dataset(data, {on_bad_line = 'skip'}):size()").integerValue, 2)
        XCTAssertTrue(lua.error("loraf.dataset(data, {on_bad_line = 'ignore'})")?.contains("'on_bad_line' must be \"error\" or \"skip\"") == true)
    }
}

/// `compute_dtype`: loraf.train and model:compute_dtype accept "fp32" and "bf16" and name anything else.
final class ComputeDTypeBindingsTests: XCTestCase {
    func testComputeDTypeValidation() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("model = loraf.load_model(path, {num_labels = 2})")
        XCTAssertEqual(try lua.value("return model:compute_dtype()").stringValue, "fp32")
        let message = try XCTUnwrap(lua.error("model:compute_dtype('fp16')"))
        XCTAssertTrue(message.contains("bad argument #2 to") && message.contains("(dtype must be \"fp32\" or \"bf16\", got \"fp16\")"), message)
        XCTAssertEqual(try lua.value("return model:compute_dtype('bf16')").stringValue, Kernels.hasBF16Kernel ? "bf16" : "fp32")
        XCTAssertEqual(try lua.value("return model:compute_dtype('fp32')").stringValue, "fp32")
        let data = try makeScratchFolder("lua-compute-dtype").appendingPathComponent("d.txt")
        try Data("1 good\n0 bad\n".utf8).write(to: data)
        try lua.state.setGlobal("data", .string(data.path))
        // loraf.train without compute_dtype keeps the model's own setting.
        try lua.run("model:compute_dtype('bf16'); loraf.train{model = model, train = data, batch_size = 2, max_steps = 1}")
        XCTAssertEqual(try lua.value("return model:compute_dtype()").stringValue, Kernels.hasBF16Kernel ? "bf16" : "fp32")
        try lua.run("model:compute_dtype('fp32')")
        XCTAssertEqual(lua.error("loraf.train{model = model, train = data, compute_dtype = 'half'}"),
                       "test:1: loraf.train: 'compute_dtype' must be \"fp32\" or \"bf16\", got string \"half\"")
        XCTAssertEqual(lua.error("loraf.train{model = model, train = data, compute_dtype = {}}")?.hasPrefix("test:1: loraf.train: 'compute_dtype' must be a string, got"), true)
    }
}
