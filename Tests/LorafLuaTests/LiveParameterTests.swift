import XCTest
import LorafKernels
import LorafTestSupport
@testable import LorafLua

/// Live parameters, model:forward in training mode connected to the graph, and forward hooks (all-MiniLM-L6-v2).
final class LiveParameterTests: XCTestCase {
    private func loadedModel() throws -> LorafLuaHarness {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("""
            model = loraf.load_model(path, {task = 'classification', num_labels = 2, seed = 0})
            texts = {'a fine film', 'a dull and tiresome one'}
            function logits() return model:forward{texts = texts}.logits end
            function maxdiff(a, b) local d = a - b; return math.sqrt((d * d):max():item()) end
            """)
        return lua
    }

    func testParametersShareTheModelsMemoryAndFrozenOnesNeedForce() throws {
        let lua = try loadedModel()
        try lua.run("model:adapt{strategy = 'lora', target_modules = {'query', 'value'}, r = 4}")
        let trainable = try lua.value("local names = {}; for _, p in ipairs(model:named_parameters{trainable = true}) do names[#names + 1] = p.name end; return names")
        guard case .list(let names) = trainable else { return XCTFail("no list") }
        XCTAssertEqual(names.count, 6 * 2 * 2 + 2, "A and B of query and value in 6 layers, classifier weight and bias")
        XCTAssertEqual(names.first?.stringValue, "bert.encoder.layer.0.attention.self.query.lora_A.default.weight")
        // Writing a trainable parameter changes the model's output.
        try lua.run("""
            before = logits()
            b = model:parameter('bert.encoder.layer.0.attention.self.query.lora_B.default.weight')
            loraf.no_grad(function() b:add_(0.5) end)
            """)
        XCTAssertGreaterThan(try lua.value("return maxdiff(logits(), before)").numberValue ?? 0, 1e-4)
        // A frozen weight refuses a write unless forced.
        let path = "bert.encoder.layer.0.attention.self.key.weight"
        XCTAssertEqual(lua.error("model:parameter('\(path)'):mul_(0)"),
                       "test:1: bad argument #1 to 'mul_' ('\(path)' is a frozen parameter of the model; pass {force = true} to write it)")
        XCTAssertEqual(lua.error("model:parameter('\(path)'):slice(1, 2):zero_()")?.contains("frozen parameter"), true, "views too")
        try lua.run("before = logits(); model:parameter('\(path)'):mul_(0, {force = true})")
        XCTAssertGreaterThan(try lua.value("return maxdiff(logits(), before)").numberValue ?? 0, 1e-4)
        XCTAssertEqual(lua.error("model:parameter('bert.nope')"),
                       "test:1: bad argument #2 to 'parameter' (no parameter 'bert.nope' (model:named_parameters() lists them))")
    }

    /// A frozen weight written from Lua reaches the next bf16 pass: the layers drop the bf16 panels they packed
    /// from the old values (skipped where the CPU has no AVX512_BF16, where bf16 is fp32).
    func testAForcedWriteReachesTheNextBF16Pass() throws {
        try XCTSkipUnless(Kernels.hasBF16Kernel, "this CPU has no AVX512_BF16")
        let lua = try loadedModel()
        try lua.run("""
            model:adapt{strategy = 'lora', target_modules = {'value'}, r = 4}
            model:compute_dtype('bf16')
            before = logits()
            w = model:parameter('bert.encoder.layer.0.attention.self.query.weight')
            w:mul_(0, {force = true})
            """)
        XCTAssertGreaterThan(try lua.value("return maxdiff(before, logits())").numberValue ?? 0, 1e-4,
                             "the zeroed query weight changes the bf16 logits")
        try lua.run("model:compute_dtype('fp32')")
        XCTAssertLessThan(try lua.value("local a = logits(); model:compute_dtype('bf16'); return maxdiff(a, logits())").numberValue ?? 1, 0.02,
                          "the bf16 pass sees the same (zeroed) weight as the fp32 one")
    }

    func testForwardInTrainingModeRecordsTheGraph() throws {
        let lua = try loadedModel()
        try lua.run("model:adapt{strategy = 'lora', target_modules = {'query', 'value'}, r = 4}")
        XCTAssertEqual(try lua.value("return logits():requires_grad()").booleanValue, false, "evaluation mode records nothing")
        XCTAssertEqual(try lua.value("return model:forward{texts = texts, grad = true}.logits:requires_grad()").booleanValue, true)
        try lua.run("""
            model:train{seed = 7}
            out = model:forward{texts = texts}
            loss = loraf.losses.cross_entropy(out.logits, {1, 0})
            loss:backward()
            a = model:parameter('bert.encoder.layer.2.attention.self.value.lora_A.default.weight')
            key = model:parameter('bert.encoder.layer.2.attention.self.key.weight')
            """)
        XCTAssertEqual(try lua.value("return a:grad() ~= nil and a:grad():shape()[2]").integerValue, 384)
        XCTAssertEqual(try lua.value("return key:grad() == nil").booleanValue, true, "a frozen weight gets no gradient")
        try lua.run("model:zero_grad()")
        XCTAssertEqual(try lua.value("return a:grad() == nil").booleanValue, true)
        // The same seed gives the same dropout masks, hence the same loss.
        try lua.run("model:train{seed = 7}; again = loraf.losses.cross_entropy(model:forward{texts = texts}.logits, {1, 0})")
        XCTAssertEqual(try lua.value("return again:item() - loss:item()").numberValue, 0)
    }

    func testForwardHooksSeeAttentionProbabilitiesAndCanBeRemoved() throws {
        let lua = try loadedModel()
        try lua.run("""
            seen = {}
            h = model:on_forward('bert.encoder.layer.0.attention.self.dropout', function(path, probs)
              seen[#seen + 1] = {path = path, shape = probs:shape(), rowsum = probs:sum(-1):mean():item()}
            end)
            before = logits()
            """)
        XCTAssertEqual(try lua.value("return #seen").integerValue, 1)
        XCTAssertEqual(try lua.value("return seen[1].path").stringValue, "bert.encoder.layer.0.attention.self.dropout")
        let shape = LorafLuaHarness.numbers(try lua.value("return seen[1].shape"))
        XCTAssertEqual(shape.count, 4)
        XCTAssertEqual(Array(shape.prefix(2)), [2, 12])
        XCTAssertEqual(shape[2], shape[3])
        XCTAssertEqual(try lua.value("return seen[1].rowsum").numberValue ?? 0, 1, accuracy: 1e-5, "attention rows sum to 1")
        // A hook may replace the output; removing it restores the model.
        try lua.run("z = model:on_forward('classifier', function(_, y) return y * 0 end)")
        XCTAssertEqual(try lua.value("return maxdiff(logits(), loraf.zeros{2, 2})").numberValue, 0)
        XCTAssertEqual(try lua.value("return z:remove()").booleanValue, true)
        XCTAssertEqual(try lua.value("return z:remove()").booleanValue, false)
        XCTAssertEqual(try lua.value("return maxdiff(logits(), before)").numberValue, 0)
        // An error in a hook stops the pass with the hook's message and traceback; the model stays usable.
        try lua.run("bad = model:on_forward('bert.encoder.layer.1.output.dense', function() error('hook failed') end)")
        do {
            try lua.run("logits()")
            XCTFail("the hook's error should propagate")
        } catch let error as LuaError {
            XCTAssertTrue(error.message.hasPrefix("test:1: hook failed"), error.message)
            XCTAssertTrue(error.traceback.contains("in function <test:1>"), error.traceback)
        }
        try lua.run("bad:remove()")
        XCTAssertEqual(lua.error("model:on_forward('classifier', function(_, y) return loraf.zeros{1} end); logits()")?
            .contains("forward hook on 'classifier': must return nothing or a Tensor of shape [2, 2]"), true)
        XCTAssertEqual(try lua.value("return model:remove_hooks()").integerValue, 2)
        // Without the hook on the attention dropout, layer 0 uses the fused kernel again: the same logits up to
        // the summation order.
        XCTAssertLessThan(try XCTUnwrap(lua.value("return maxdiff(logits(), before)").numberValue), 1e-6)
        XCTAssertEqual(lua.error("model:on_forward('bert.nope', print)"),
                       "test:1: bad argument #2 to 'on_forward' (no module 'bert.nope' (model:modules() lists them))")
    }

    func testAQuantizedWeightHasNoLiveTensor() throws {
        let gguf = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
        guard FileManager.default.fileExists(atPath: gguf.path) else { throw XCTSkip("models/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run scripts/fetch_model.sh") }
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(gguf.path))
        try lua.run("lm = loraf.load_model(path)")
        XCTAssertEqual(lua.error("lm:parameter('model.layers.0.self_attn.q_proj.weight')"),
                       "test:1: bad argument #2 to 'parameter' ('model.layers.0.self_attn.q_proj.weight' is kept in quantized blocks (QuantizedLinear), not as a tensor that can be read or written live)")
        XCTAssertEqual(try lua.value("return lm:parameter('model.layers.0.input_layernorm.weight'):shape()[1]").integerValue, 576)
    }
}
