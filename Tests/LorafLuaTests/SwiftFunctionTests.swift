import XCTest
@testable import LorafLua

final class SwiftFunctionTests: XCTestCase {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom from Swift" } }

    private func makeState() throws -> LuaState {
        let state = try LuaState()
        let module = state.module("m", doc: "Test module.")
        module.function("add", doc: "m.add(a, b) -> integer\nAdds.") { args in
            [.integer(try args.integer(1) + args.integer(2))]
        }
        module.function("fail", doc: "m.fail()\nThrows.") { _ in throw Boom() }
        module.function("call", doc: "m.call(f, ...)\nCalls f from Swift.") { args in
            try args.function(1).call((2 ..< args.count + 1).map(args.value))
        }
        return state
    }

    func testSwiftFunctionResults() throws {
        let state = try makeState()
        XCTAssertEqual(try state.execute("return m.add(2, 3)").first?.integerValue, 5)
        XCTAssertEqual(try state.execute("return require('m') == m").first?.booleanValue, true)
    }

    func testSwiftErrorBecomesLuaErrorWithCallerPosition() throws {
        let state = try makeState()
        XCTAssertThrowsError(try state.execute("\nm.fail()", name: "@s.lua")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "s.lua:2: m.fail: boom from Swift")
        }
        let caught = try state.execute("return pcall(m.fail)")
        XCTAssertEqual(caught.first?.booleanValue, false)
        XCTAssertEqual(caught.last?.stringValue, "m.fail: boom from Swift") // pcall: no Lua caller line
    }

    func testPositionalArgumentErrors() throws {
        let state = try makeState()
        XCTAssertThrowsError(try state.execute("m.add(1, 'x')", name: "=c")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "c:1: bad argument #2 to 'add' (integer expected, got string \"x\")")
        }
        XCTAssertThrowsError(try state.execute("m.add(1)", name: "=c")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "c:1: bad argument #2 to 'add' (integer expected, got no value)")
        }
        XCTAssertThrowsError(try state.execute("m.add(1, 2.5)", name: "=c")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "c:1: bad argument #2 to 'add' (integer expected, got number 2.5)")
        }
    }

    func testLuaCallbackFromSwiftAndItsErrors() throws {
        let state = try makeState()
        XCTAssertEqual(try state.execute("return m.call(function(a, b) return a * b end, 6, 7)").first?.integerValue, 42)
        XCTAssertThrowsError(try state.execute("m.call(function()\n error('in callback')\nend)", name: "@cb.lua")) { error in
            // The callback's own position is kept; Swift does not add a second one.
            XCTAssertEqual((error as? LuaError)?.message, "cb.lua:2: in callback")
        }
        // Works from a coroutine too (Swift uses the running thread).
        let fromCoroutine = try state.execute("return coroutine.wrap(function() return m.call(function() return 'co' end) end)()")
        XCTAssertEqual(fromCoroutine.first?.stringValue, "co")
    }

    func testFunctionHeldBySwiftAndCalledLater() throws {
        let state = try makeState()
        guard let callback = try state.execute("local n = 0; return function(step) n = n + step; return n end").first?.functionValue else {
            return XCTFail("no function")
        }
        XCTAssertEqual(try callback.call([.integer(2)]).first?.integerValue, 2)
        XCTAssertEqual(try callback.call([.integer(3)]).first?.integerValue, 5)
    }

    func testCallingFunctionAfterStateClosedThrows() throws {
        var state: LuaState? = try makeState()
        let callback = try state?.execute("return print").first?.functionValue
        state = nil
        XCTAssertThrowsError(try callback?.call())
    }
}
