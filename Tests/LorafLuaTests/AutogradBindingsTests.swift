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

    /// Every differentiable tensor operation of the Lua API, one shared check: backward() against central
    /// differences of sum(f(w) * r) for a fixed random r.
    func testEveryTensorOperationHasAGradient() throws {
        let lua = try LorafLuaHarness()
        let failures = try lua.value("""
            local x = loraf.randn({3, 2}, {seed = 1})
            local gamma, beta = loraf.randn({3}, {seed = 2}), loraf.randn({3}, {seed = 3})
            local ops = {
              exp = function(w) return w:exp() end, log = function(w) return (w * w + 1):log() end,
              sqrt = function(w) return (w * w + 1):sqrt() end, tanh = function(w) return w:tanh() end,
              relu = function(w) return w:relu() end, sigmoid = function(w) return w:sigmoid() end,
              silu = function(w) return w:silu() end, gelu = function(w) return w:gelu() end,
              gelu_tanh = function(w) return w:gelu_tanh() end, softmax = function(w) return w:softmax() end,
              log_softmax = function(w) return w:log_softmax() end, matmul = function(w) return w:matmul(x) end,
              T = function(w) return w:T() end, reshape = function(w) return w:reshape{3, 2} end,
              permute = function(w) return w:permute{2, 1} end, slice = function(w) return w:slice(2, 3, {axis = 2}) end,
              split = function(w) return w:split({1, 2}, {axis = 2})[2] end,
              concat = function(w) return loraf.concat({w, w * 2}, {axis = 1}) end,
              sum = function(w) return w:sum(1) end, mean = function(w) return w:mean(-1) end,
              max = function(w) return w:max(2) end, max_all = function(w) return w:max() end,
              layer_norm = function(w) return w:layer_norm(gamma, beta, {eps = 1e-5}) end,
              add = function(w) return w + x:T() + 1 end, sub = function(w) return 1 - w - x:T() end,
              mul = function(w) return w * w * 3 end, div = function(w) return w / (w * w + 2) end,
              neg = function(w) return -w end, index = function(w) return w[2] end,
              cross_entropy = function(w) return w:cross_entropy{2, 0} end,
              losses = function(w) return loraf.losses.cross_entropy(w, {1, -100}) end,
            }
            local failures = {}
            local h = 1e-2
            for name, f in pairs(ops) do
              local w = loraf.randn({2, 3}, {seed = 7}):requires_grad(true)
              local r = loraf.randn(f(w:detach()):shape(), {seed = 8})
              local function objective(v) return (f(v) * r):sum() end
              objective(w):backward()
              local analytic = w:grad():totable()
              loraf.no_grad(function()
                for i = 1, 2 do for j = 1, 3 do
                  local probe = w:detach():totable()
                  probe[i][j] = probe[i][j] + h; local up = objective(loraf.tensor(probe)):item()
                  probe[i][j] = probe[i][j] - 2 * h; local down = objective(loraf.tensor(probe)):item()
                  local numeric = (up - down) / (2 * h)
                  if math.abs(numeric - analytic[i][j]) > 5e-3 + 1e-2 * math.abs(numeric) then
                    failures[#failures + 1] = string.format("%s [%d][%d]: backward %g, differences %g", name, i, j, analytic[i][j], numeric)
                  end
                end end
              end)
            end
            return failures
            """)
        guard case .list(let items) = failures else { return XCTFail("expected a list, got \(failures)") }
        XCTAssertEqual(items.compactMap(\.stringValue), [])
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
