import XCTest
import LorafTestSupport
@testable import LorafLua

final class ModelBindingsTests: XCTestCase {
    private func loadedModel() throws -> LorafLuaHarness {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("model = loraf.load_model(path, {task = 'classification', num_labels = 2, seed = 0})")
        return lua
    }

    func testForwardPredictAndEmbed() throws {
        let lua = try loadedModel()
        try lua.run("out = model:forward{texts = {'a short one', 'a somewhat longer sentence here'}}")
        XCTAssertEqual(try lua.value("return out.last_hidden_state:shape()[1]").integerValue, 2)
        XCTAssertEqual(try lua.value("return out.last_hidden_state:shape()[3]").integerValue, 384)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return out.logits:shape()")), [2, 2])
        try lua.run("p = model:predict{texts = {'great film', 'awful film'}}")
        for row in 1...2 {
            let probs = LorafLuaHarness.numbers(try lua.value("return p.probs[\(row)]"))
            XCTAssertEqual(probs.reduce(0, +), 1, accuracy: 1e-5)
            let label = try XCTUnwrap(try lua.value("return p.labels[\(row)]").integerValue)
            XCTAssertEqual(label, probs[1] > probs[0] ? 1 : 0)
        }
        // The same ids as tensors give the same logits as texts.
        try lua.run("""
            tok = loraf.tokenizer(path); e = tok:encode('great film')
            a = model:forward{texts = {'great film'}}.logits
            b = model:forward{input_ids = loraf.tensor{e.ids}, attention_mask = {e.mask}}.logits
            """)
        XCTAssertEqual(try lua.value("return (a - b):max():item()").numberValue ?? 1, 0, accuracy: 1e-5)
        let norms = LorafLuaHarness.numbers(try lua.value("""
            local e = model:embed{texts = {'one sentence', 'another one'}, normalize = true}
            return (e * e):sum(2):totable()
            """))
        XCTAssertEqual(norms.count, 2)
        for norm in norms { XCTAssertEqual(norm, 1, accuracy: 1e-4) }
    }

    func testInspection() throws {
        let lua = try loadedModel()
        XCTAssertEqual(try lua.value("return #model:modules('attention%.self%.query$')").integerValue, 6)
        XCTAssertEqual(try lua.value("return model:modules('layer.0.attention.self.query')[1].kind").stringValue, "Linear")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return model:modules('layer.0.attention.self.query')[1].shape")), [384, 384])
        try lua.run("params = model:parameters()")
        XCTAssertEqual(try lua.value("return params.total == params.trainable").booleanValue, true)
        XCTAssertEqual(try lua.value("local n = 0; for _, p in ipairs(params.list) do n = n + p.count end; return n == params.total").booleanValue, true)
        let tree = try XCTUnwrap(try lua.value("return tostring(model)").stringValue)
        XCTAssertTrue(tree.contains("BertForSequenceClassification") && tree.contains("query: Linear"), String(tree.prefix(300)))
        XCTAssertEqual(lua.error("return model:modules('[')")?.hasPrefix("test:1: bad argument #2 to 'modules' ("), true)
    }

    func testArgumentErrors() throws {
        let lua = try loadedModel()
        XCTAssertEqual(lua.error("model:forward{}"), "test:1: Model:forward: give either 'texts' or 'input_ids'")
        XCTAssertEqual(lua.error("model:predict{texts = {'x'}, maxlen = 3}"),
                       "test:1: Model:predict: unknown argument 'maxlen' (expected one of: max_length, pairs, texts)")
        XCTAssertEqual(lua.error("loraf.load_model(path, {task = 'tagging'})"),
                       "test:1: loraf.load_model: 'task' must be \"classification\", \"causal_lm\" or \"base\", got string \"tagging\"")
        let missing = try XCTUnwrap(lua.error("loraf.load_model('/nonexistent/model')"))
        XCTAssertTrue(missing.contains("/nonexistent/model"), missing)
    }
}
