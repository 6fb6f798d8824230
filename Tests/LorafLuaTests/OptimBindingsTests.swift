import XCTest
import LorafTensor
import LorafTraining
@testable import LorafLua

/// loraf.optim, loraf.schedule, loraf.losses and loraf.batches against the LorafTraining code they expose.
final class OptimBindingsTests: XCTestCase {
    func testAdamWAndSGDStepsEqualLorafTrainings() throws {
        let lua = try LorafLuaHarness()
        try lua.run("""
            w = loraf.tensor{{0.5, -1}, {2, 0.25}}:requires_grad(true); b = loraf.tensor{0.1, -0.2}:requires_grad(true)
            params = {{name = 'layer.weight', tensor = w}, {name = 'layer.bias', tensor = b}}
            opt = loraf.optim.adamw(params, {lr = 0.1, weight_decay = 0.5})
            for step = 1, 3 do
              ((w:matmul(w) + b):tanh()):sum():backward()
              opt:step{lr = 0.1 / step}
              opt:zero_grad()
            end
            """)
        // The same three steps with LorafTraining's AdamW.
        let w = try Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 0.25]).requiringGrad()
        let b = try Tensor(shape: [2], scalars: [0.1, -0.2]).requiringGrad()
        let adamw = try AdamW(weightDecay: 0.5)
        for step in 1...3 {
            try (try w.matmul(w) + b).tanh().sum().backward()
            try GradMode.disabled { try adamw.step([("layer.weight", w), ("layer.bias", b)], learningRate: 0.1 / Double(step)) }
            adamw.zeroGrad([("layer.weight", w), ("layer.bias", b)])
        }
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return w:totable()")), w.scalars.map(Double.init))
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return b:totable()")), b.scalars.map(Double.init))
        XCTAssertEqual(try lua.value("return opt:state().steps['layer.weight']").integerValue, 3)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return opt:state().buffers['exp_avg.layer.bias']:shape()")), [2])
        XCTAssertEqual(try lua.value("return opt:lr()").numberValue ?? 0, 0.1 / 3, accuracy: 1e-12)
        // SGD with momentum: p <- p - lr * b, b = g on the first step.
        try lua.run("""
            p = loraf.tensor{1, 2}:requires_grad(true)
            sgd = loraf.optim.sgd({p}, {lr = 0.5, momentum = 0.9});
            (p * p):sum():backward(); sgd:step()
            """)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return p:totable()")), [0, 0])
    }

    func testSchedulesClippingAndErrors() throws {
        let lua = try LorafLuaHarness()
        let linear = try LinearWarmupDecaySchedule(peak: 1e-3, warmup: .fraction(0.06), totalSteps: 50)
        let cosine = try CosineWarmupSchedule(peak: 2e-3, warmup: .steps(5), totalSteps: 40)
        for step in [1, 3, 4, 20, 50] {
            XCTAssertEqual(try lua.value("return loraf.schedule.linear{lr = 1e-3, total_steps = 50, warmup = 0.06}:lr(\(step))").numberValue,
                           try linear.learningRate(atStep: step))
        }
        for step in [1, 5, 6, 40] {
            XCTAssertEqual(try lua.value("return loraf.schedule.cosine{lr = 2e-3, total_steps = 40, warmup = 5}:lr(\(step))").numberValue,
                           try cosine.learningRate(atStep: step))
        }
        XCTAssertEqual(lua.error("loraf.schedule.linear{lr = 1e-3}"), "test:1: loraf.schedule.linear: missing required argument 'total_steps'")
        XCTAssertTrue(lua.error("loraf.schedule.constant{lr = 1}:lr(0)")?.contains("step 0") == true)
        // Clipping: the norm of (3, 4) is 5, scaled to 1.
        try lua.run("g = loraf.tensor{0, 0}:requires_grad(true); (g * loraf.tensor{3, 4}):sum():backward()")
        let clipped = try lua.run("return loraf.optim.clip_grad_norm({g}, 1)")
        XCTAssertEqual(clipped.first?.numberValue, 5)
        XCTAssertEqual(LorafLuaHarness.numbers(try lua.value("return g:grad():totable()"))[1], 0.8, accuracy: 1e-5)
        XCTAssertEqual(lua.error("loraf.optim.adamw({}, {lr = 1})"),
                       "test:1: bad argument #1 to 'adamw' (non-empty list of parameters expected (model:named_parameters{trainable = true}), got table)")
        XCTAssertEqual(lua.error("loraf.optim.adamw({g}, {betas = 0.9})"), "test:1: loraf.optim.adamw: 'betas' must be two numbers, got number 0.9")
        XCTAssertEqual(lua.error("loraf.optim.sgd({{name = 1}})"),
                       "test:1: bad argument #1 to 'sgd' (entry [1] must be {name = string, tensor = Tensor} or a Tensor, got table)")
    }

    func testLosses() throws {
        let lua = try LorafLuaHarness()
        try lua.run("""
            logits = loraf.tensor{{{1, 2, 3}, {0, 0, 4}, {2, 1, 0}}}:requires_grad(true)   -- [1, 3, 3]
            full = loraf.losses.cross_entropy(logits:reshape{3, 3}, {2, 2, 0})
            ignored = loraf.losses.cross_entropy(logits, {{2, -100, 0}})
            partial = loraf.losses.cross_entropy(logits:reshape{3, 3}:slice(1, 1), {2})
            last = loraf.losses.cross_entropy(logits:reshape{3, 3}:slice(3, 3), {0})
            -- causal LM: position t predicts label t + 1, so labels {1, 2, 9} ask row 1 for 2 and row 2 for 9 (ignored).
            causal = loraf.losses.causal_lm(logits, {{1, 2, 9}}, {ignore_index = 9})
            """)
        let partial = try XCTUnwrap(try lua.value("return partial:item()").numberValue)
        let last = try XCTUnwrap(try lua.value("return last:item()").numberValue)
        XCTAssertEqual(try lua.value("return ignored:item()").numberValue ?? 0, (partial + last) / 2, accuracy: 1e-6)
        XCTAssertEqual(try lua.value("return causal:item()").numberValue ?? 0, partial, accuracy: 1e-6)
        try lua.run("causal:backward()")
        XCTAssertEqual(Array(LorafLuaHarness.numbers(try lua.value("return logits:grad():totable()")).suffix(6)), [0, 0, 0, 0, 0, 0],
                       "an ignored target and the last position give no gradient")
        XCTAssertEqual(lua.error("loraf.losses.cross_entropy(logits, {1, 2})"),
                       "test:1: bad argument #2 to 'cross_entropy' (targets of shape [2] do not match logits of shape [1, 3, 3] (expected [1, 3]))")
    }
}
