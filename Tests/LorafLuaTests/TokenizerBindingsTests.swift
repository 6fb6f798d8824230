import XCTest
import LorafTestSupport
@testable import LorafLua

final class TokenizerBindingsTests: XCTestCase {
    func testEncodeDecodeAndVocabularySize() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.run("tok = loraf.tokenizer(path); e = tok:encode('Hello world!')")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return e.ids")), [101, 7592, 2088, 999, 102])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return e.mask")), [1, 1, 1, 1, 1])
        XCTAssertEqual(try lua.value("return e.tokens[2]").stringValue, "hello")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return tok:encode('a', {pair = 'b'}).type_ids")), [0, 0, 0, 1, 1])
        XCTAssertEqual(try lua.value("return #tok:encode('one two three four', {max_length = 4}).ids").integerValue, 4)
        XCTAssertEqual(try lua.value("return tok:decode(e.ids)").stringValue, "hello world!")
        XCTAssertEqual(try lua.value("return tok:vocab_size()").integerValue, 30522)
        let bad = try XCTUnwrap(lua.error("return tok:decode({101, 99999})"))
        XCTAssertTrue(bad.contains("99999") && bad.contains("position 1"), bad)
        XCTAssertEqual(lua.error("return tok:encode('x', {maxlen = 3})"),
                       "test:1: Tokenizer:encode: unknown argument 'maxlen' (expected one of: add_special_tokens, max_length, pair)")
    }
}
