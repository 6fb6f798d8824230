import XCTest
@testable import LorafLua

final class LuaStateTests: XCTestCase {
    func testChunkReturnsConvertedValues() throws {
        let state = try LuaState()
        let values = try state.execute("return 1 + 1, 2.5, 'hi', true, nil, {1, 2}, {a = 'x'}, ...",
                                       arguments: [.integer(7)])
        XCTAssertEqual(values.count, 8)
        XCTAssertEqual(values[0].integerValue, 2)
        XCTAssertEqual(values[1].numberValue, 2.5)
        XCTAssertEqual(values[2].stringValue, "hi")
        XCTAssertEqual(values[3].booleanValue, true)
        guard case .nil = values[4], case .list(let list) = values[5], case .record(let record) = values[6] else {
            return XCTFail("unexpected values \(values)")
        }
        XCTAssertEqual(list.compactMap(\.integerValue), [1, 2])
        XCTAssertEqual(record["a"]?.stringValue, "x")
        XCTAssertEqual(values[7].integerValue, 7)
    }

    func testRuntimeErrorBecomesSwiftErrorWithTraceback() throws {
        let state = try LuaState()
        XCTAssertThrowsError(try state.execute("local function f()\n error('deep')\nend\nf()", name: "@t.lua")) { error in
            guard let error = error as? LuaError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .runtime)
            XCTAssertEqual(error.message, "t.lua:2: deep")
            XCTAssertTrue(error.traceback.hasPrefix("stack traceback:"), error.traceback)
            XCTAssertTrue(error.traceback.contains("t.lua:4: in main chunk"), error.traceback)
        }
    }

    func testSyntaxErrorAndMissingFile() throws {
        let state = try LuaState()
        XCTAssertThrowsError(try state.execute("x = = 1", name: "=bad")) { error in
            XCTAssertEqual((error as? LuaError)?.kind, .syntax)
            XCTAssertTrue((error as? LuaError)?.message.hasPrefix("bad:1:") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try state.executeFile("/nonexistent/missing.lua")) { error in
            XCTAssertEqual((error as? LuaError)?.kind, .file)
            XCTAssertTrue("\(error)".contains("/nonexistent/missing.lua"), "\(error)")
        }
    }

    func testNonStringErrorValueIsDescribed() throws {
        let state = try LuaState()
        XCTAssertThrowsError(try state.execute("error({})")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "(error object is a table value)")
        }
    }

    func testStackIsBalancedAfterCallsAndErrors() throws {
        let state = try LuaState()
        let top = lua_gettop_for_test(state)
        try state.execute("return 1, 2, 3")
        _ = try? state.execute("error('x')")
        _ = try? state.execute("x = = 1")
        XCTAssertEqual(lua_gettop_for_test(state), top)
    }

    func testGlobalsRoundTrip() throws {
        let state = try LuaState()
        try state.setGlobal("g", .record(["n": .list([.integer(1), .string("two")])]))
        XCTAssertEqual(try state.execute("return g.n[2]").first?.stringValue, "two")
        XCTAssertEqual(state.global("g").errorDescription, "table")
    }
}

import CLua
func lua_gettop_for_test(_ state: LuaState) -> Int32 { lua_gettop(state.L) }
