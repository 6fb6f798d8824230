import XCTest
@testable import LorafLua

final class TensorBindingsTests: XCTestCase {
    func testNestedTableShapeIndexingAndTotable() throws {
        let lua = try LorafLuaHarness()
        try lua.run("t = loraf.tensor{{1, 2, 3}, {4, 5, 6}}")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:shape()")), [2, 3])
        XCTAssertEqual(try lua.value("return t[2][1]").numberValue, 4)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t[1]:totable()")), [1, 2, 3])
        XCTAssertEqual(try lua.value("return #t").integerValue, 2)
        XCTAssertEqual(try lua.value("return t:T()[3][2]").numberValue, 6)
        XCTAssertEqual(try lua.value("return t:sum():item()").numberValue, 21)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:sum(1):totable()")), [5, 7, 9])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:mean(-1):totable()")), [2, 5])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:max(2):totable()")), [3, 6])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:argmax()")), [3, 3])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:reshape{3, -1}:shape()")), [3, 2])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:slice(2, 3, {axis = 2}):totable()")), [2, 3, 5, 6])
        XCTAssertEqual(try lua.value("return tostring(loraf.tensor{{1, 2}, {3, 4}})").stringValue, "Tensor [2, 2] [[1, 2], [3, 4]]")
    }

    func testArithmeticBroadcastsWithTensorsAndNumbers() throws {
        let lua = try LorafLuaHarness()
        try lua.run("a = loraf.tensor{{1, 2}, {3, 4}}; b = loraf.tensor{10, 20}")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return (a + b):totable()")), [11, 22, 13, 24])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return (a - 1):totable()")), [0, 1, 2, 3])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return (2 * a):totable()")), [2, 4, 6, 8])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return (12 / a):totable()")), [12, 6, 4, 3])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return (1 - a):totable()")), [0, -1, -2, -3])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return (-a):totable()")), [-1, -2, -3, -4])
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return a:matmul(a):totable()")), [7, 10, 15, 22])
        let softmax = LorafLuaHarness.numbers(try lua.value("return loraf.tensor{0, math.log(3)}:softmax():totable()"))
        XCTAssertEqual(softmax[0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(softmax[1], 0.75, accuracy: 1e-6)
        XCTAssertEqual(try lua.value("return loraf.tensor{4}:sqrt():item()").numberValue, 2)
    }

    func testConstructors() throws {
        let lua = try LorafLuaHarness()
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return loraf.zeros{2, 3}:totable()")), [0, 0, 0, 0, 0, 0])
        let first = LorafLuaHarness.numbers(try lua.value("return loraf.randn({50}, {seed = 1}):totable()"))
        XCTAssertEqual(first, LorafLuaHarness.numbers(try lua.value("return loraf.randn({50}, {seed = 1}):totable()")))
        XCTAssertNotEqual(first, LorafLuaHarness.numbers(try lua.value("return loraf.randn({50}, {seed = 2}):totable()")))
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return loraf.concat({loraf.zeros{1, 2}, loraf.tensor{{1, 2}}}):totable()")), [0, 0, 1, 2])
        XCTAssertEqual(try lua.value("return #loraf.tensor{{1}, {2}, {3}}:split({1, 2})").integerValue, 2)
    }

    func testErrorsNameFunctionArgumentAndPosition() throws {
        let lua = try LorafLuaHarness()
        XCTAssertEqual(lua.error("loraf.tensor{{1, 2}, {3}}"),
                       "test:1: bad argument #1 to 'tensor' (ragged table: element [2] has 1 entries, expected 2)")
        XCTAssertEqual(lua.error("loraf.tensor{{1, 'x'}}"),
                       "test:1: bad argument #1 to 'tensor' (element [1][2] is string \"x\", expected a number)")
        XCTAssertEqual(lua.error("local t = loraf.tensor{{1, 2}, {3, 4}}; return t[3]"),
                       "test:1: bad argument #2 to '__index' (index 3 is out of range 1...2 (first extent 2))")
        XCTAssertEqual(lua.error("return loraf.zeros{2, -1}"),
                       "test:1: bad argument #1 to 'zeros' (shape entry [2] is number -1, expected a non-negative integer)")
        XCTAssertEqual(lua.error("return loraf.tensor{1, 2}:sum(2)"),
                       "test:1: bad argument #2 to 'sum' (axis 2 is out of range for a tensor of rank 1 (axes are 1...1 or -1...-1))")
        XCTAssertEqual(lua.error("return loraf.randn({2}, {sed = 1})"),
                       "loraf.randn: unknown argument 'sed' (expected one of: seed)".withPosition)
        let mismatch = try XCTUnwrap(lua.error("return loraf.tensor{1, 2} + loraf.tensor{1, 2, 3}"))
        XCTAssertTrue(mismatch.hasPrefix("test:1: Tensor:__add: "), mismatch)
        XCTAssertEqual(lua.error("return loraf.tensor{1} + 'a'"),
                       "test:1: bad argument #2 to '__add' (Tensor or number expected, got string \"a\")")
    }

    func testManyLargeTensorsKeepMemoryBounded() throws {
        let lua = try LorafLuaHarness()
        try lua.run("for i = 1, 200 do local t = loraf.zeros{262144} + 1 end")
        let before = residentBytes()
        try lua.run("for i = 1, 10000 do local t = loraf.zeros{262144} + 1 end") // 1 MiB written each, 10 GiB in all
        let growth = residentBytes() - before
        XCTAssertLessThan(growth, 256 << 20, "resident memory grew by \(growth >> 20) MiB over 10,000 1 MiB tensors")
    }

    /// Resident set size of this process from /proc/self/statm.
    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}

private extension String {
    /// The message as raised at line 1 of the test chunk.
    var withPosition: String { "test:1: " + self }
}
