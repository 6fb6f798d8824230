import XCTest
@testable import LorafLua

/// Autodiff from Lua: gradients against central differences computed in Lua, detach/no_grad, the in-place rules.
final class AutogradBindingsTests: XCTestCase {
    func testGradientsOfACompositeExpressionMatchFiniteDifferences() throws {
        let lua = try LorafLuaHarness()
        // f(w) = mean(softmax(tanh(w x) / 2) * c) + sum(w * w) / 10, through matmul, tanh, softmax, broadcasting,
        // reductions and indexing: every binding on the way must record its op.
        try lua.run("""
            x = loraf.randn({3, 4}, {seed = 1}); c = loraf.randn({2, 4}, {seed = 2})
            function f(w) return (((w:matmul(x)):tanh() / 2):softmax() * c):mean() + (w * w):sum() / 10 + w[2]:sum() end
            w = loraf.randn({2, 3}, {seed = 3}):requires_grad(true)
            f(w):backward()
            numeric = {}
            loraf.no_grad(function()
              local h = 1e-2
              for i = 1, 2 do for j = 1, 3 do
                local probe = w:detach():totable()
                probe[i][j] = probe[i][j] + h; local up = f(loraf.tensor(probe)):item()
                probe[i][j] = probe[i][j] - 2 * h; local down = f(loraf.tensor(probe)):item()
                numeric[#numeric + 1] = (up - down) / (2 * h)
              end end
            end)
            """)
        let analytic = LorafLuaHarness.numbers(try lua.value("return w:grad():totable()"))
        let numeric = LorafLuaHarness.numbers(try lua.value("return numeric"))
        XCTAssertEqual(analytic.count, 6)
        for (a, n) in zip(analytic, numeric) { XCTAssertEqual(a, n, accuracy: 2e-3) }
    }

    func testDetachNoGradAndLeafRules() throws {
        let lua = try LorafLuaHarness()
        try lua.run("w = loraf.tensor{1, 2, 3}:requires_grad(true); y = w * 2")
        XCTAssertEqual(try lua.value("return y:requires_grad()").booleanValue, true)
        XCTAssertEqual(try lua.value("return y:is_leaf()").booleanValue, false)
        XCTAssertEqual(try lua.value("return y:detach():requires_grad()").booleanValue, false)
        XCTAssertEqual(try lua.value("return loraf.no_grad(function(a) return a * 2 end, w):requires_grad()").booleanValue, false)
        XCTAssertEqual(try lua.value("return w:grad() == nil").booleanValue, true)
        // An error inside no_grad propagates and recording is on again afterwards.
        XCTAssertTrue(lua.error("loraf.no_grad(function() error('inside') end)")?.contains("inside") == true)
        XCTAssertEqual(try lua.value("return (w * 3):requires_grad()").booleanValue, true)
        XCTAssertEqual(lua.error("y:requires_grad(false)"),
                       "test:1: bad argument #1 to 'requires_grad' (only a leaf tensor's flag can be set; this one comes from 'mul' (use t:detach()))")
        try lua.run("(w * w):sum():backward(); (w * w):sum():backward()")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return w:grad():totable()")), [4, 8, 12], "gradients accumulate")
        try lua.run("w:zero_grad()")
        XCTAssertEqual(try lua.value("return w:grad() == nil").booleanValue, true)
        try lua.run("s = (w * w):sum(); s:backward()")
        XCTAssertTrue(lua.error("s:backward()")?.contains("already back-propagated") == true)
        XCTAssertTrue(lua.error("(w * w):backward()")?.contains("needs a scalar") == true)
    }

    func testInPlaceUpdates() throws {
        let lua = try LorafLuaHarness()
        try lua.run("t = loraf.tensor{{1, 2}, {3, 4}}; t:add_(loraf.tensor{10, 20}, {alpha = 0.5}):mul_(2)")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:totable()")), [12, 24, 16, 28])
        try lua.run("t:copy_(loraf.tensor{1, 2}); v = t:slice(1, 1); v:zero_()")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return t:totable()")), [0, 0, 1, 2], "a view writes its source")
        XCTAssertEqual(lua.error("t:add_(loraf.zeros{3, 2})"),
                       "test:1: Tensor:add_: add: shapes [2, 2] and [3, 2] are incompatible (axis -2 has 2 vs 3, and neither is 1)")
        XCTAssertEqual(lua.error("t:add_(loraf.zeros{3, 2, 2})"),
                       "test:1: bad argument #2 to 'add_' (the result has shape [3, 2, 2], the tensor has [2, 2] (it must broadcast to the tensor))")
        XCTAssertEqual(lua.error("t:add_(1, {alhpa = 2})"), "test:1: Tensor:add_: unknown argument 'alhpa' (expected one of: alpha, force)")
        try lua.run("w = loraf.tensor{1, 2}:requires_grad(true)")
        XCTAssertEqual(lua.error("w:add_(1)"),
                       "test:1: bad argument #1 to 'add_' (the tensor needs a gradient; change it in place inside loraf.no_grad(function() ... end))")
        try lua.run("loraf.no_grad(function() w:add_(1) end)")
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return w:totable()")), [2, 3])
    }

    func testTensorsPrintASummaryWhenLarge() throws {
        let lua = try LorafLuaHarness()
        XCTAssertEqual(try lua.value("return tostring(loraf.tensor{1, 2})").stringValue, "Tensor [2] [1, 2]")
        XCTAssertEqual(try lua.value("return tostring(loraf.tensor{1, 2}:requires_grad(true))").stringValue, "Tensor [2] [1, 2]  requires grad")
        XCTAssertEqual(try lua.value("local t = loraf.zeros{4, 5} + 1; return tostring(t:reshape{20}:sum())").stringValue, "Tensor [] 20")
        let large = try XCTUnwrap(try lua.value("return tostring(loraf.tensor{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, {11, 12, 13, 14, 15}, {16, 17, 18, 19, 20}}:requires_grad(true) * 1)").stringValue)
        XCTAssertEqual(large, "Tensor [4, 5] float32  values 1, 2, 3, ..., 18, 19, 20  min 1  max 20  mean 10.5  from mul")
    }
}
