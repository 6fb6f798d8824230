import XCTest
@testable import LorafLua

final class LuaReplTests: XCTestCase {
    func testSessionOutcomesAndPrompts() throws {
        let state = try LuaState()
        try state.execute("printed = {}; print = function(...) printed[#printed + 1] = table.concat({...}, ' ') end")
        let repl = LuaRepl(state: state)
        XCTAssertEqual(repl.prompt, "> ")
        XCTAssertEqual(repl.feed("x = 1 + 1"), .ran)
        XCTAssertEqual(repl.feed("x"), .ran)
        XCTAssertEqual(repl.feed("for i=1,2 do"), .incomplete)
        XCTAssertEqual(repl.prompt, ">> ")
        XCTAssertEqual(repl.feed("print(i)"), .incomplete)
        XCTAssertEqual(repl.feed("end"), .ran)
        guard case .failed(let error) = repl.feed("error(\"boom\")") else { return XCTFail("no error") }
        XCTAssertEqual(error.message, "stdin:1: boom")
        XCTAssertEqual(repl.feed("x * 10"), .ran)
        guard case .failed(let syntax) = repl.feed("x = = 2") else { return XCTFail("no syntax error") }
        XCTAssertEqual(syntax.kind, .syntax)
        XCTAssertEqual(repl.prompt, "> ")
        let printed = try state.execute("return table.concat(printed, ',')").first?.stringValue
        XCTAssertEqual(printed, "2,1,2,20")
    }

    func testCompletionsOfDottedNames() throws {
        let state = try LuaState()
        try LorafModule.install(in: state)
        XCTAssertEqual(state.completions(of: "loraf.he"), ["loraf.help"])
        XCTAssertEqual(state.completions(of: "lor"), ["loraf"])
        XCTAssertEqual(state.completions(of: "string.upp"), ["string.upper"])
        XCTAssertEqual(state.completions(of: "nothing.x"), [])
    }
}
