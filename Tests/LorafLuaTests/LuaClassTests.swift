import XCTest
@testable import LorafLua

final class LuaClassTests: XCTestCase {
    final class Counter {
        static var live = 0
        static var released = 0
        var value: Int
        init(_ value: Int) { self.value = value; Counter.live += 1 }
        deinit { Counter.live -= 1; Counter.released += 1 }
    }

    private func makeState() throws -> LuaState {
        let state = try LuaState()
        let module = state.module("m", doc: "Test.")
        let counter = module.defineClass(Counter.self, name: "Counter", doc: "A counter.")
        counter.method("add", doc: "c:add(n) -> integer\nAdds n.") { c, args in
            c.value += try args.integer(2)
            return [.integer(c.value)]
        }
        counter.tostring { "Counter(\($0.value))" }
        module.function("new", doc: "m.new(n) -> Counter\nA counter.") { args in [.object(Counter(try args.integer(1)))] }
        return state
    }

    func testMethodsToStringAndRoundTrip() throws {
        let state = try makeState()
        let values = try state.execute("local c = m.new(1); c:add(2); return c:add(3), tostring(c), c")
        XCTAssertEqual(values[0].integerValue, 6)
        XCTAssertEqual(values[1].stringValue, "Counter(6)")
        XCTAssertEqual(values[2].object(as: Counter.self)?.value, 6)
    }

    func testWrongSelfIsAnArgumentError() throws {
        let state = try makeState()
        XCTAssertThrowsError(try state.execute("local c = m.new(1); c.add(5, 1)", name: "=s")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "s:1: bad argument #1 to 'add' (Counter expected, got number 5)")
        }
    }

    func testEveryObjectReleasedExactlyOnce() throws {
        let released = Counter.released
        do {
            let state = try makeState()
            try state.execute("for i = 1, 1000 do m.new(i) end; keep = m.new(0); collectgarbage(); collectgarbage()")
            XCTAssertEqual(Counter.released - released, 1000)
            XCTAssertEqual(Counter.live, 1)
        }
        XCTAssertEqual(Counter.released - released, 1001) // lua_close released the last one
        XCTAssertEqual(Counter.live, 0)
    }

    func testSwiftThrowAfterAllocatingRunsDeferAndReleases() throws {
        let state = try LuaState()
        try TestHooks.register(in: state)
        let before = TestHooks.Tracked.released
        TestHooks.deferRan = false
        XCTAssertThrowsError(try state.execute("loraf_test.fail_after_alloc()", name: "=s")) { error in
            XCTAssertEqual((error as? LuaError)?.message, "s:1: loraf_test.fail_after_alloc: failed after allocating")
        }
        XCTAssertTrue(TestHooks.deferRan)
        XCTAssertEqual(TestHooks.Tracked.released - before, 1)
    }

    func testManyUserdataKeepMemoryBoundedAndAreAllReleased() throws {
        let state = try LuaState()
        try TestHooks.register(in: state)
        let (created, released) = (TestHooks.Tracked.created, TestHooks.Tracked.released)
        try state.execute("for i = 1, 10000 do loraf_test.tracked() end; collectgarbage()")
        let rssAfterWarmUp = residentBytes()
        try state.execute("for i = 1, 100000 do local t = loraf_test.tracked() end; collectgarbage(); collectgarbage()")
        let growth = residentBytes() - rssAfterWarmUp
        XCTAssertEqual(TestHooks.Tracked.created - created, 110_000)
        XCTAssertEqual(TestHooks.Tracked.released - released, 110_000)
        XCTAssertLessThan(growth, 16 << 20, "RSS grew by \(growth) bytes")
    }

    /// Resident set size of this process, from /proc/self/statm (pages).
    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
