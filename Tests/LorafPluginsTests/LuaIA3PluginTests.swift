import Foundation
import LorafLua
import LorafPlugins
import XCTest

/// plugins/lua_ia3 (IA³ written in Lua with loraf.register_strategy) against the Swift plugin plugins/ia3: with the
/// same vectors, the same outputs and gradients, in single-adapter, mixed and merged use.
final class LuaIA3PluginTests: XCTestCase {
    func testLuaIA3MatchesTheSwiftPlugin() throws {
        try loadIA3Plugin()
        let state = try LorafModule.makeState(executable: "/nonexistent/loraf", environment: [:])
        let reports = PluginHost.loadLuaPlugins(in: shippedPlugins, into: state)
        XCTAssertEqual(reports.first { $0.name == "lua_ia3" }?.outcome, .loaded(["strategy lua_ia3"]))
        let results = try state.execute("""
            local model = loraf.load_model(..., {task = 'classification', num_labels = 2, seed = 0})
            model:adapt{strategy = 'ia3', name = 'swift'}
            model:adapt{strategy = 'lua_ia3', name = 'lua'}
            local texts = {'a fine film', 'a dull and tiresome one'}
            local function maxdiff(a, b) local d = a - b; return math.sqrt((d * d):max():item()) end
            local function parameters(adapter) model:set_adapter(adapter); return model:named_parameters{trainable = true} end
            local swift, lua = parameters('swift'), parameters('lua')
            assert(#swift == #lua and #swift == 24 + 2, 'IA3 vectors at 24 targets and the classifier copy: ' .. #swift .. ' and ' .. #lua)
            loraf.no_grad(function()
              for i, p in ipairs(swift) do
                local function stem(name, adapter) return ((name .. '.'):gsub('%.base_layer', ''):gsub('%.' .. adapter .. '%.', '.')) end
                assert(stem(p.name, 'swift') == stem(lua[i].name, 'lua'), p.name .. ' vs ' .. lua[i].name)
                p.tensor:copy_(loraf.randn(p.tensor:shape(), {seed = i}) * 0.2 + 1, {force = true})
                lua[i].tensor:copy_(p.tensor, {force = true})
              end
            end)
            local function run(adapter)
              local params = parameters(adapter); model:zero_grad()
              local logits = model:forward{texts = texts, grad = true}.logits
              loraf.losses.cross_entropy(logits, {1, 0}):backward()
              local grads = {}
              for i, p in ipairs(params) do grads[i] = p.tensor:grad() end
              return logits, grads
            end
            local a, ga = run('swift')
            local b, gb = run('lua')
            local gradient = 0
            for i = 1, #ga do gradient = math.max(gradient, maxdiff(ga[i], gb[i])) end
            local mixed_swift = model:forward{texts = texts, adapter_names = {'swift', ''}}.logits
            local mixed_lua = model:forward{texts = texts, adapter_names = {'lua', ''}}.logits
            model:set_adapter('lua'); model:merge()
            local merged = model:forward{texts = texts}.logits
            model:unmerge()
            return maxdiff(a, b), gradient, maxdiff(mixed_swift, mixed_lua), maxdiff(merged, b), maxdiff(a, mixed_swift[2])
            """, arguments: [.string(try miniLMDirectory().path)])
        let numbers = results.compactMap(\.numberValue)
        XCTAssertEqual(numbers.count, 5)
        print("lua_ia3 vs ia3: logits \(numbers[0]), gradients \(numbers[1]), mixed \(numbers[2]), merged \(numbers[3])")
        XCTAssertLessThan(numbers[0], 1e-6, "logits")
        XCTAssertLessThan(numbers[1], 1e-6, "gradients of every vector and the classifier copy")
        XCTAssertLessThan(numbers[2], 1e-6, "mixed-adapter batch")
        XCTAssertLessThan(numbers[3], 1e-5, "merged (the weights are rescaled in float32)")
        XCTAssertGreaterThan(numbers[4], 1e-4, "the vectors change the output")
    }
}
