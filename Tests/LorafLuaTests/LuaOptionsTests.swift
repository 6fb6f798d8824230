import XCTest
@testable import LorafLua

final class LuaOptionsTests: XCTestCase {
    private func makeState() throws -> LuaState {
        let state = try LuaState()
        state.module("loraf", doc: "Test.").function("lora", doc: "loraf.lora{ r, alpha, modules }\nTest.") { args in
            let options = try args.options(1, keys: ["r", "alpha", "modules"])
            let r = try options.required("r", options.positiveInteger)
            let alpha = try options.number("alpha") ?? 1
            let modules = try options.stringList("modules") ?? []
            return [.integer(r), .number(alpha), .integer(modules.count)]
        }
        return state
    }

    private func message(_ state: LuaState, _ chunk: String) -> String? {
        do { try state.execute(chunk, name: "=s"); return nil } catch { return (error as? LuaError)?.message }
    }

    func testValidNamedArguments() throws {
        let values = try makeState().execute("return loraf.lora{ r = 8, modules = { 'query', 'value' } }")
        XCTAssertEqual(values.map(\.shown), ["8", "1.0", "2"])
    }

    func testWrongTypeUnknownAndMissingKeys() throws {
        let state = try makeState()
        XCTAssertEqual(message(state, "loraf.lora{ r = '8x' }"), "s:1: loraf.lora: 'r' must be a positive integer, got string \"8x\"")
        XCTAssertEqual(message(state, "loraf.lora{ r = -1 }"), "s:1: loraf.lora: 'r' must be a positive integer, got number -1")
        XCTAssertEqual(message(state, "loraf.lora{ r = 4, rank = 4 }"),
                       "s:1: loraf.lora: unknown argument 'rank' (expected one of: alpha, modules, r)")
        XCTAssertEqual(message(state, "loraf.lora{ alpha = 2 }"), "s:1: loraf.lora: missing required argument 'r'")
        XCTAssertEqual(message(state, "loraf.lora{ r = 2, modules = { 1 } }"),
                       "s:1: loraf.lora: 'modules' must be a list of strings, got table")
        XCTAssertEqual(message(state, "loraf.lora(8)"),
                       "s:1: bad argument #1 to 'lora' (table of named arguments expected, got number 8)")
        XCTAssertEqual(message(state, "loraf.lora{ 8 }"),
                       "s:1: bad argument #1 to 'lora' (table of named arguments expected, got a table with non-string keys)")
    }
}

extension LuaValue {
    var shown: String {
        switch self {
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        default: return errorDescription
        }
    }
}
