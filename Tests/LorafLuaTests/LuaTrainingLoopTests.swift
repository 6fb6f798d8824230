import XCTest
import LorafTestSupport
@testable import LorafLua

/// scripts/train_loop.lua (a training loop written in Lua from loraf.batches, model:forward, loraf.losses,
/// loraf.optim and loraf.schedule) reproduces loraf.train's losses step for step.
final class LuaTrainingLoopTests: XCTestCase {
    func testTheLuaLoopReproducesLorafTrain() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.state.setGlobal("root", .string(repositoryRoot.path))
        try lua.run("""
            local loop = dofile(root .. '/scripts/train_loop.lua')
            local function fresh()
              local m = loraf.load_model(path, {task = 'classification', num_labels = 2, seed = 42})
              m:adapt{strategy = 'lora', name = 'sst2', r = 8, lora_alpha = 16, lora_dropout = 0.1,
                      target_modules = {'query', 'value'}, seed = 42}
              return m
            end
            -- 40 examples in batches of 8: 5 per epoch, so 7 steps cross into the second epoch.
            local data = loraf.dataset(root .. '/data/sst2/dev.txt', {num_labels = 2, limit = 40})
            reference = {}
            loraf.train{model = fresh(), train = data, epochs = 2, batch_size = 8, max_length = 32, max_steps = 7,
                        optimizer = {'adamw', lr = 1e-3, weight_decay = 0.01}, schedule = {'linear', warmup = 0.2},
                        seed = 42, log_every = 1000, on_step = function(s) reference[s.step] = s.loss end}
            losses = loop(fresh(), data, {steps = 7, lr = 1e-3, weight_decay = 0.01, warmup = 0.2, batch_size = 8,
                                          max_length = 32, seed = 42, max_grad_norm = 1.0})
            """)
        let reference = LorafLuaHarness.numbers(try lua.value("return reference"))
        let losses = LorafLuaHarness.numbers(try lua.value("return losses"))
        XCTAssertEqual(reference.count, 7)
        XCTAssertEqual(losses.count, 7)
        for (step, (mine, theirs)) in zip(losses, reference).enumerated() {
            XCTAssertEqual(mine, theirs, accuracy: 1e-6, "step \(step + 1)")
        }
        XCTAssertNotEqual(losses.first, losses.last, "training moved")
    }

    /// model:gradient_checkpointing(true) changes no loss of the Lua loop (dropout on, so the recomputed blocks
    /// must replay their masks), and reads back as set.
    func testGradientCheckpointingKeepsTheLossesOfTheLuaLoop() throws {
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.state.setGlobal("root", .string(repositoryRoot.path))
        try lua.run("""
            local loop = dofile(root .. '/scripts/train_loop.lua')
            local data = loraf.dataset(root .. '/data/sst2/dev.txt', {num_labels = 2, limit = 24})
            local function losses(checkpointing)
              local m = loraf.load_model(path, {task = 'classification', num_labels = 2, seed = 42})
              m:adapt{strategy = 'lora', name = 'sst2', r = 8, lora_alpha = 16, lora_dropout = 0.1,
                      target_modules = {'query', 'value'}, seed = 42}
              flags = {m:gradient_checkpointing(), m:gradient_checkpointing(checkpointing)}
              return loop(m, data, {steps = 3, lr = 1e-3, weight_decay = 0.01, warmup = 0, batch_size = 8,
                                    max_length = 32, seed = 42, max_grad_norm = 1.0})
            end
            plain, checkpointed = losses(false), losses(true)
            """)
        XCTAssertEqual(LorafLuaHarness.strings(try lua.value("return {tostring(flags[1]), tostring(flags[2])}")), ["false", "true"])
        let plain = LorafLuaHarness.numbers(try lua.value("return plain"))
        XCTAssertEqual(plain.count, 3)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return checkpointed")), plain)
        XCTAssertNotEqual(plain.first, plain.last, "training moved")
    }
}
