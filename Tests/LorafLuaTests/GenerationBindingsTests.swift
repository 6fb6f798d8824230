import XCTest
import LorafTestSupport
@testable import LorafLua

/// `loraf.load_model` of a GGUF file, `model:generate`, `model:tokenizer()` and `tok:apply_chat_template`.
final class GenerationBindingsTests: XCTestCase {
    nonisolated(unsafe) static var shared: LorafLuaHarness?

    private func loaded() throws -> LorafLuaHarness {
        if let lua = Self.shared { return lua }
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try smolLM2GGUF().path))
        try lua.run("lm = loraf.load_model(path)")
        Self.shared = lua
        return lua
    }

    func testChatGreedyAnswerAndInfo() throws {
        let lua = try loaded()
        try lua.run("""
            text, info = lm:generate{messages = {{role = 'user', content = 'What is the capital of France?'}}, max_new_tokens = 20}
            """)
        XCTAssertEqual(try lua.value("return text").stringValue, "The capital of France is Paris.")
        XCTAssertEqual(try lua.value("return info.finish_reason").stringValue, "stop_token")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return info.token_ids")), [504, 3575, 282, 4649, 314, 7042, 30, 2])
    }

    /// With int8 activations (AVX-512 VNNI; elsewhere the option changes nothing) the greedy answer stays.
    func testInt8ActivationsKeepTheGreedyAnswer() throws {
        let lua = try loaded()
        try lua.run("""
            text = lm:generate{messages = {{role = 'user', content = 'What is the capital of France?'}}, max_new_tokens = 20,
                               int8_activations = true}
            """)
        XCTAssertEqual(try lua.value("return text").stringValue, "The capital of France is Paris.")
    }

    func testStreamingBatchesAndStops() throws {
        let lua = try loaded()
        try lua.run("""
            pieces = {}
            texts, infos = lm:generate{conversations = {{{role = 'user', content = 'What is the capital of France?'}},
                                                         {{role = 'user', content = 'Say hello.'}}},
                                       max_new_tokens = 12, stop = {'Paris'},
                                       on_token = function(piece, row) if row == 1 then pieces[#pieces + 1] = piece end end}
            """)
        XCTAssertEqual(try lua.value("return texts[1]").stringValue, "The capital of France is ")
        XCTAssertEqual(try lua.value("return infos[1].finish_reason").stringValue, "stop_string")
        XCTAssertEqual(try lua.value("return table.concat(pieces)").stringValue, "The capital of France is ")
        XCTAssertNotEqual(try lua.value("return texts[2]").stringValue, "")
        let seeded = "return lm:generate{prompt = 'Once upon a time', max_new_tokens = 8, temperature = 0.8, top_p = 0.9, seed = 3}"
        XCTAssertEqual(try lua.value(seeded).stringValue, try lua.value(seeded).stringValue)
    }

    func testChatTemplateThroughTheTokenizer() throws {
        let lua = try loaded()
        let text = try lua.value("return lm:tokenizer():apply_chat_template({{role = 'user', content = 'What is the capital of France?'}})").stringValue
        XCTAssertEqual(text, "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n")
        let ids = LorafLuaHarness.numbers(try lua.value("return lm:tokenizer():apply_chat_template({{role = 'user', content = 'Hi'}}, {tokenize = true, add_generation_prompt = false})"))
        XCTAssertEqual(ids.first, 1, "<|im_start|> is id 1")
        XCTAssertEqual(try lua.value("return loraf.tokenizer(path):decode(loraf.tokenizer(path):encode('héllo wörld').ids)").stringValue, "héllo wörld")
    }

    func testBadArgumentsAreNamed() throws {
        let lua = try loaded()
        XCTAssertEqual(lua.error("lm:generate{max_new_tokens = 4}"), "test:1: Model:generate: give exactly one of 'prompt', 'prompts', 'messages' or 'conversations' (got none)")
        XCTAssert(lua.error("lm:generate{prompt = 'x', top_p = 2}")?.contains("top_p must be in (0, 1], got 2.0") == true)
        XCTAssert(lua.error("lm:generate{messages = {{role = 'user'}}}")?.contains("'messages' entry [1] must be a table with string 'role' and 'content'") == true)
        XCTAssert(lua.error("lm:generate{prompt = 'x', tempreature = 1}")?.contains("tempreature") == true)
        XCTAssert(lua.error("lm:generate{prompt = 'x', int8_activations = 'yes'}")?.contains("int8_activations") == true)
        XCTAssert(lua.error("lm:generate{prompt = 'x', adapter_names = {'nope'}}")?.contains("no adapter named 'nope'") == true)
    }
}
