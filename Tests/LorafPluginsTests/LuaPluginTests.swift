import Foundation
import LorafLua
import LorafModels
import LorafPlugins
import XCTest

/// The shipped Lua plugin plugins/peft_extras, and the registration functions it uses.
final class LuaPluginTests: XCTestCase {
    private func state() throws -> LuaState {
        let state = try LorafModule.makeState(executable: "/nonexistent/loraf", environment: [:])
        let reports = PluginHost.loadLuaPlugins(in: shippedPlugins, into: state)
        XCTAssertEqual(reports.first { $0.name == "peft_extras" }?.outcome, .loaded(["schedule cosine_restarts"]))
        return state
    }

    /// The built-in "all-linear" (no plugin registers it) wraps exactly the Linear modules except the classification
    /// head from Lua: 6 layers × 6 + the pooler.
    func testAllLinearSelectsEveryLinearButTheHead() throws {
        let directory = try miniLMDirectory()
        let base = try ModelLoader.load(directory, task: .classification(numLabels: 2))
        let expected = base.namedModules().filter { $0.module is Linear && !base.headModulePaths.contains($0.path) }.map(\.path)
        XCTAssertEqual(expected.count, 37)
        let values = try state().execute("""
            local model = loraf.load_model(...)
            model:adapt{strategy = "lora", target_modules = "all-linear"}
            local wrapped, head = {}, nil
            for _, m in ipairs(model:modules()) do
              if m.kind == "LoRALinear" then wrapped[#wrapped + 1] = m.path end
              if m.path == "classifier" then head = m.kind end
            end
            return wrapped, head
            """, arguments: [.string(directory.path)])
        guard case .list(let wrapped)? = values.first else { return XCTFail("expected a list, got \(values)") }
        XCTAssertEqual(wrapped.compactMap(\.stringValue), expected)
        XCTAssertEqual(values.dropFirst().first?.stringValue, "ModulesToSaveWrapper", "the head trains in full, it is not adapted")
    }

    /// A plugin cannot take the built-in preset's name (it would silently change what "all-linear" selects).
    func testAllLinearCannotBeRegisteredAsAPreset() throws {
        XCTAssertThrowsError(try state().execute("""
            loraf.register_target_preset("all-linear", function(model, heads) return {"query"} end)
            """)) { error in
            XCTAssertTrue("\(error)".contains("bad argument #1 to 'register_target_preset' ('all-linear' is a built-in target preset and cannot be replaced)"), "\(error)")
        }
    }

    /// transformers' get_cosine_with_hard_restarts_schedule_with_warmup at 1-based steps.
    private func restarts(step: Int, total: Int, warmup: Int, cycles: Int, peak: Double) -> Double {
        if step < warmup { return peak * Double(step) / Double(max(1, warmup)) }
        let progress = Double(step - warmup) / Double(max(1, total - warmup))
        if progress >= 1 { return 0 }
        return peak * 0.5 * (1 + cos(Double.pi * (Double(cycles) * progress).truncatingRemainder(dividingBy: 1)))
    }

    func testCosineRestartsFollowsTheFormula() throws {
        let state = try state()
        let schedule = try XCTUnwrap(state.extensions.table.schedules["cosine_restarts"])
        for step in 1...100 {
            let run = LuaValue.record(["total_steps": .integer(100), "lr": .number(2e-3), "options": .record(["warmup": .number(0.1), "cycles": .integer(2)])])
            let value = try XCTUnwrap(schedule.call([.integer(step), run]).first?.numberValue)
            XCTAssertEqual(value, restarts(step: step, total: 100, warmup: 10, cycles: 2, peak: 2e-3), accuracy: 1e-15, "step \(step)")
        }
        XCTAssertThrowsError(try schedule.call([.integer(1), .record(["total_steps": .integer(10), "lr": .number(1), "options": .record(["cycles": .number(1.5)])])]))
    }

    /// loraf.train uses a registered schedule by name, runs registered callbacks after its own, and
    /// loraf.dataset reads with a registered reader.
    func testTrainUsesRegisteredScheduleCallbacksAndReader() throws {
        let directory = try miniLMDirectory()
        let values = try state().execute("""
            local directory = ...
            loraf.register_dataset_reader("pipe", function(path, options)
              local examples = {}
              for line in io.lines(path) do
                local label, text = line:match("^(%d)|(.*)$")
                examples[#examples + 1] = {text = text, label = tonumber(label)}
              end
              return examples
            end)
            local rates, seen = {}, 0
            loraf.register_callback("step", function(info) seen = seen + 1 end)
            local path = os.tmpname()
            local f = assert(io.open(path, "w"))
            for i = 1, 8 do f:write((i % 2) .. "|sentence number " .. i .. " is " .. (i % 2 == 1 and "great" or "awful") .. "\\n") end
            f:close()
            local data = loraf.dataset(path, {format = "pipe"})
            os.remove(path)
            local model = loraf.load_model(directory)
            model:adapt{strategy = "lora"}
            loraf.train{model = model, train = data, batch_size = 2, epochs = 1, optimizer = {"adamw", lr = 1e-3},
                        schedule = {"cosine_restarts", cycles = 2}, log_every = 1000,
                        on_step = function(info) rates[#rates + 1] = info.lr end}
            return data:size(), rates, seen
            """, arguments: [.string(directory.path)])
        XCTAssertEqual(values.first?.integerValue, 8)
        guard case .list(let rates)? = values.dropFirst().first else { return XCTFail("expected rates, got \(values)") }
        let expected = (1...4).map { restarts(step: $0, total: 4, warmup: 0, cycles: 2, peak: 1e-3) }
        XCTAssertEqual(rates.count, 4)
        for (got, want) in zip(rates.compactMap(\.numberValue), expected) { XCTAssertEqual(got, want, accuracy: 1e-15) }
        XCTAssertEqual(values.last?.integerValue, 4, "the registered step callback ran at every step")
    }
}
