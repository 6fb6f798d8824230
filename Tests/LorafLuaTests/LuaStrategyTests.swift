import XCTest
import LorafTestSupport
@testable import LorafLua

/// Strategies written in Lua (loraf.register_strategy): plugins/lua_lora against the built-in LoRA, save and load,
/// mixed batches, merging, training, and errors.
final class LuaStrategyTests: XCTestCase {
    /// A model with the built-in LoRA as "builtin" and plugins/lua_lora as "mine", holding the same (non-zero) weights.
    private func twinAdapters() throws -> LorafLuaHarness {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.state.setGlobal("root", .string(repositoryRoot.path))
        try lua.run("""
            dofile(root .. '/plugins/lua_lora/init.lua')
            model = loraf.load_model(path, {task = 'classification', num_labels = 2, seed = 0})
            model:adapt{strategy = 'lora', name = 'builtin', r = 4, lora_alpha = 8, target_modules = {'query', 'value'}}
            model:adapt{strategy = 'lua_lora', name = 'mine', r = 4, lora_alpha = 8}
            texts = {'a fine film', 'a dull and tiresome one'}
            function maxdiff(a, b) local d = a - b; return math.sqrt((d * d):max():item()) end
            function run(adapter)
              model:set_adapter(adapter); model:zero_grad()
              local logits = model:forward{texts = texts, grad = true}.logits
              loraf.losses.cross_entropy(logits, {1, 0}):backward()
              local grads = {}
              for i, p in ipairs(model:named_parameters{trainable = true}) do grads[i] = p.tensor:grad() end
              return logits, grads
            end
            model:set_adapter('builtin')
            builtin = model:named_parameters{trainable = true}
            model:set_adapter('mine')
            mine = model:named_parameters{trainable = true}
            loraf.no_grad(function()
              for i, p in ipairs(builtin) do
                if p.name:find('lora_B') then p.tensor:copy_(loraf.randn(p.tensor:shape(), {seed = i}) * 0.1, {force = true}) end
                mine[i].tensor:copy_(p.tensor)
              end
            end)
            """)
        return lua
    }

    func testLuaLoRAMatchesTheBuiltInLoRA() throws {
        let lua = try twinAdapters()
        XCTAssertEqual(try lua.value("return #builtin").integerValue, 24 + 2, "A and B at 12 targets, the classifier copy")
        XCTAssertEqual(try lua.value("return mine[1].name").stringValue, "bert.encoder.layer.0.attention.self.query.lora_A.mine")
        try lua.run("""
            a, pa = run('builtin'); b, pb = run('mine')
            worst = 0
            for i = 1, #pa do worst = math.max(worst, maxdiff(pa[i], pb[i])) end
            """)
        XCTAssertLessThan(try lua.value("return maxdiff(a, b)").numberValue ?? 1, 1e-6)
        XCTAssertLessThan(try lua.value("return worst").numberValue ?? 1, 1e-6, "gradients of every A and B")
        XCTAssertGreaterThan(try lua.value("return pb[2]:max():item()").numberValue ?? 0, 0)
        // Merging folds the update into the base weights; unmerging restores them.
        try lua.run("model:set_adapter('mine'); unmerged = model:forward{texts = texts}.logits; model:merge(); merged = model:forward{texts = texts}.logits; model:unmerge()")
        XCTAssertLessThan(try lua.value("return maxdiff(merged, unmerged)").numberValue ?? 1, 1e-5)
        XCTAssertEqual(try lua.value("return maxdiff(model:forward{texts = texts}.logits, unmerged)").numberValue, 0)
    }

    /// target_modules = "all-linear" and a negative layers_to_transform reach a Lua strategy already resolved: on the
    /// tiny Llama, the seven projections of the last layer (lm_head left out).
    func testAllLinearAndLastLayerReachALuaStrategy() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("root", .string(repositoryRoot.path))
        try lua.run("""
            dofile(root .. '/plugins/lua_lora/init.lua')
            model = loraf.load_model(root .. '/Tests/Fixtures/tiny_decoders/llama')
            model:adapt{strategy = 'lua_lora', target_modules = 'all-linear', layers_to_transform = {-1}, r = 2}
            wrapped = {}
            for _, m in ipairs(model:modules()) do
              if m.kind == 'LuaAdapterLayer' then wrapped[#wrapped + 1] = m.path end
            end
            """)
        let expected = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj",
                        "mlp.down_proj"].map { "model.layers.1.\($0)" }
        XCTAssertEqual(try lua.value("return table.concat(wrapped, ',')").stringValue, expected.joined(separator: ","))
    }

    func testSaveLoadMixedBatchesAndTraining() throws {
        let lua = try twinAdapters()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loraf-lua-strategy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try lua.state.setGlobal("dir", .string(folder.path))
        try lua.run("""
            model:set_adapter('mine'); expected = model:forward{texts = texts}.logits
            model:save_adapter(dir, 'mine'); model:load_adapter(dir, 'reloaded')
            reloaded = model:forward{texts = texts}.logits
            mixed = model:forward{texts = texts, adapter_names = {'mine', ''}}.logits
            model:disable_adapters(); base = model:forward{texts = texts}.logits; model:enable_adapters()
            """)
        XCTAssertEqual(try lua.value("return maxdiff(reloaded, expected)").numberValue, 0)
        let config = try String(contentsOf: folder.appendingPathComponent("adapter_config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"peft_type\" : \"LUA_LORA\""), config)
        XCTAssertEqual(try lua.value("return maxdiff(mixed[1], expected[1])").numberValue, 0, "row 1 uses the adapter")
        XCTAssertEqual(try lua.value("return maxdiff(mixed[2], base[2])").numberValue, 0, "row 2 the base model")
        XCTAssertGreaterThan(try lua.value("return maxdiff(expected, base)").numberValue ?? 0, 1e-4)
        // loraf.train trains a Lua strategy's parameters like a built-in's.
        try lua.run("""
            model:set_adapter('mine')
            before = model:parameter('bert.encoder.layer.0.attention.self.query.lora_A.mine'):detach():reshape{-1}:totable()
            result = loraf.train{model = model, train = loraf.dataset(root .. '/data/sst2/dev.txt', {limit = 16}),
                                 batch_size = 8, max_length = 16, max_steps = 2, log_every = 1000}
            after = model:parameter('bert.encoder.layer.0.attention.self.query.lora_A.mine'):reshape{-1}:totable()
            """)
        XCTAssertEqual(try lua.value("return result.steps").integerValue, 2)
        XCTAssertEqual(try lua.value("return result.train_cpu_seconds > 0 and result.train_seconds > 0").booleanValue, true)
        XCTAssertEqual(try lua.value("return result.trainable_parameters").integerValue, 12 * 4 * (384 + 384) + 2 * 384 + 2)
        XCTAssertNotEqual(LorafLuaHarness.numbers(try lua.value("return before")), LorafLuaHarness.numbers(try lua.value("return after")))
    }

    func testErrorsInAStrategyPropagateAndLeaveTheModelUsable() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("""
            loraf.register_strategy{name = 'lua_broken', parameters = {'broken_v'}, targets = {'query'},
              init = function(layer) return {broken_v = loraf.zeros{layer.out_features}} end,
              forward = function(state, x, y)
                if state.options.fail then error('strategy forward failed') end
                return y + state.broken_v
              end,
              options = {fail = true}}
            model = loraf.load_model(path, {task = 'classification', num_labels = 2})
            base = model:forward{texts = {'fine'}}.logits
            model:adapt{strategy = 'lua_broken'}
            """)
        do {
            try lua.run("model:forward{texts = {'fine'}}")
            XCTFail("the strategy's error should propagate")
        } catch let error as LuaError {
            XCTAssertTrue(error.message.hasPrefix("test:4: strategy forward failed"), error.message)
            XCTAssertTrue(error.traceback.contains("test:4: in function"), error.traceback)
        }
        try lua.run("model:delete_adapter('default'); model:adapt{strategy = 'lua_broken', name = 'ok', fail = false}")
        XCTAssertEqual(try lua.value("local d = model:forward{texts = {'fine'}}.logits - base; return (d * d):max():item()").numberValue, 0)
        XCTAssertEqual(lua.error("model:adapt{strategy = 'lua_broken', name = 'x', fail = 1}"),
                       "test:1: Model:adapt: 'fail' must be of the kind of its default boolean true (strategy 'lua_broken'), got number 1")
        XCTAssertEqual(lua.error("model:adapt{strategy = 'lua_broken', name = 'y', rank = 1}"), "test:1: Model:adapt: unknown option 'rank'")
        XCTAssertEqual(lua.error("loraf.register_strategy{name = 'lora', parameters = {'p'}, init = print, forward = print}"),
                       "test:1: loraf.register_strategy: 'name' must be a name no built-in or Swift plugin strategy uses, got string \"lora\"")
        XCTAssertEqual(lua.error("loraf.register_strategy{name = 'x', parameters = {'weight'}, init = print, forward = print}")?
            .hasPrefix("test:1: loraf.register_strategy: 'parameters' must be a non-empty list of distinct names"), true)
        XCTAssertEqual(lua.error("loraf.register_strategy{name = 'x', parameters = {'p'}, init = print}"),
                       "test:1: loraf.register_strategy: give 'forward' (and/or 'input'): a strategy must change something")
        XCTAssertEqual(lua.error("loraf.register_strategy{name = 'x', parameters = {'p'}, forward = print}"),
                       "test:1: loraf.register_strategy: missing required argument 'init'")
    }
}
