import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTensor
@testable import LorafTraining

/// Expected values come from this NumPy script (float32 arithmetic in torch's order of operations for
/// torch.optim.AdamW / torch.optim.SGD), run once with NumPy 2.4:
/// ```python
/// import numpy as np
/// f = np.float32
/// def adamw(p, grads, lr, wd, b1=0.9, b2=0.999, eps=1e-8):
///     p = np.array(p, f); m = np.zeros_like(p); v = np.zeros_like(p); out = []
///     for t, g in enumerate(grads, 1):
///         g = np.array(g, f)
///         p = p * f(1 - lr * wd)
///         m = m + f(1 - b1) * (g - m)
///         v = v * f(b2) + f(1 - b2) * g * g
///         denom = np.sqrt(v) / f((1 - b2 ** t) ** 0.5) + f(eps)
///         p = p + f(-(lr / (1 - b1 ** t))) * (m / denom)
///         out.append(p.copy())
///     return out, m, v
/// def sgd(p, grads, lr, mom, damp, wd, nesterov):
///     p = np.array(p, f); b = None; out = []
///     for g in grads:
///         d = np.array(g, f)
///         if wd: d = d + f(wd) * p
///         if mom:
///             b = d.copy() if b is None else b * f(mom) + f(1 - damp) * d
///             d = d + f(mom) * b if nesterov else b
///         p = p + f(-lr) * d
///         out.append(p.copy())
///     return out
/// grads = [[0.1, -0.2], [0.3, 0.05], [-0.4, 0.25]]
/// adamw([0.5, -1.5], grads, 1e-2, 0.01); adamw([0.5, -1.5], grads, 1e-2, 0.0)
/// sgd([0.5, -1.5], grads, 0.1, 0.9, 0.1, 0.01, False); sgd([0.5, -1.5], grads, 0.1, 0.9, 0.0, 0.01, True)
/// sgd([0.5, -1.5], grads, 0.1, 0.0, 0.0, 0.0, False)
/// ```
final class OptimizerTests: XCTestCase {
    static let gradients: [[Float]] = [[0.1, -0.2], [0.3, 0.05], [-0.4, 0.25]]

    /// Runs `optimizer` over the three gradients on a fresh [0.5, -1.5] parameter called `name`; returns the
    /// parameter after each step.
    func trajectory(_ optimizer: Optimizer, name: String, learningRate: Double) throws -> [[Float]] {
        let parameter = try Tensor(shape: [2], scalars: [0.5, -1.5]).requiringGrad()
        var result: [[Float]] = []
        for gradient in Self.gradients {
            parameter.grad = try Tensor(shape: [2], scalars: gradient)
            try optimizer.step([(name, parameter)], learningRate: learningRate)
            optimizer.zeroGrad([(name, parameter)])
            result.append(parameter.scalars)
        }
        return result
    }

    func assertClose(_ actual: [[Float]], _ expected: [[Float]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual.joined(), expected.joined()) {
            XCTAssertEqual(a, e, accuracy: 2e-7 * max(1, abs(e)), file: file, line: line)
        }
    }

    func testAdamWMatchesTorchFormulaWithDecoupledWeightDecay() throws {
        let steps = try trajectory(AdamW(weightDecay: 0.01), name: "layer.weight", learningRate: 1e-2)
        assertClose(steps, [[0.4899500012397766, -1.4898500442504883],
                            [0.48072320222854614, -1.485006332397461],
                            [0.4812891483306885, -1.4874807596206665]])
    }

    func testAdamWDefaultExcludesBiasFromWeightDecay() throws {
        let steps = try trajectory(AdamW(weightDecay: 0.01), name: "layer.bias", learningRate: 1e-2)
        assertClose(steps, [[0.49000000953674316, -1.4900000095367432],
                            [0.48082220554351807, -1.4853053092956543],
                            [0.48143622279167175, -1.4879282712936401]])
    }

    func testAdamWStateHoldsMomentsAndStepCount() throws {
        let optimizer = try AdamW()
        _ = try trajectory(optimizer, name: "w", learningRate: 1e-2)
        let state = optimizer.state()
        XCTAssertEqual(state.kind, "adamw")
        XCTAssertEqual(state.steps, ["w": 3])
        let m = try XCTUnwrap(state.buffers["exp_avg.w"]).scalars
        let v = try XCTUnwrap(state.buffers["exp_avg_sq.w"]).scalars
        assertClose([m, v], [[-0.004899997264146805, 0.013300000689923763], [0.0002598900464363396, 0.00010491754801478237]])
    }

    func testSGDWithMomentumDampeningAndWeightDecay() throws {
        let sgd = try SGD(momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
        assertClose(try trajectory(sgd, name: "w", learningRate: 0.1),
                    [[0.4894999861717224, -1.4785000085830688],
                     [0.45260941982269287, -1.4623193740844727],
                     [0.4550005793571472, -1.4689407348632812]])
    }

    func testSGDNesterov() throws {
        let sgd = try SGD(momentum: 0.9, nesterov: true, weightDecay: 0.01)
        assertClose(try trajectory(sgd, name: "w", learningRate: 0.1),
                    [[0.4800499975681305, -1.459149956703186],
                     [0.41363289952278137, -1.4484626054763794],
                     [0.45650365948677063, -1.4804050922393799]])
    }

    func testPlainSGDKeepsNoState() throws {
        let sgd = try SGD()
        assertClose(try trajectory(sgd, name: "w", learningRate: 0.1),
                    [[0.49000000953674316, -1.4800000190734863], [0.46000000834465027, -1.4850000143051147],
                     [0.5, -1.5099999904632568]])
        XCTAssertTrue(sgd.state().buffers.isEmpty)
    }

    func testSameInputsGiveBitwiseSameResults() throws {
        let first = try trajectory(AdamW(), name: "w", learningRate: 3e-3).joined().map(\.bitPattern)
        let second = try trajectory(AdamW(), name: "w", learningRate: 3e-3).joined().map(\.bitPattern)
        XCTAssertEqual(first, second)
    }

    func testParametersWithoutGradientAreSkipped() throws {
        let optimizer = try AdamW()
        let frozen = try Tensor(shape: [2], scalars: [1, 2])
        let trained = try Tensor(shape: [1], scalars: [1]).requiringGrad()
        trained.grad = try Tensor(shape: [1], scalars: [0.5])
        try optimizer.step([("frozen", frozen), ("trained", trained)], learningRate: 0.1)
        XCTAssertEqual(frozen.scalars, [1, 2])
        XCTAssertNotEqual(trained.scalars, [1])
        XCTAssertEqual(optimizer.state().steps, ["trained": 1])
    }

    func testStateSavedToFileResumesBitwise() throws {
        let uninterrupted = try trajectory(AdamW(), name: "w", learningRate: 1e-2).last ?? []

        let parameter = try Tensor(shape: [2], scalars: [0.5, -1.5]).requiringGrad()
        let first = try AdamW()
        for gradient in Self.gradients.prefix(2) {
            parameter.grad = try Tensor(shape: [2], scalars: gradient)
            try first.step([("w", parameter)], learningRate: 1e-2)
        }
        let url = try temporaryFile("optimizer.safetensors")
        try first.state().write(to: url)
        let resumed = try AdamW()
        try resumed.restore(OptimizerState(contentsOf: url), for: [("w", parameter)])
        parameter.grad = try Tensor(shape: [2], scalars: Self.gradients[2])
        try resumed.step([("w", parameter)], learningRate: 1e-2)
        XCTAssertEqual(parameter.scalars.map(\.bitPattern), uninterrupted.map(\.bitPattern))
    }

    func testRestoreRejectsMismatchedState() throws {
        let optimizer = try AdamW()
        _ = try trajectory(optimizer, name: "w", learningRate: 1e-2)
        let state = optimizer.state()
        XCTAssertThrowsMessage(try SGD(momentum: 0.9).restore(state, for: [("w", Tensor(zeros: [2]))]),
                               "optimizer state does not match: saved by optimizer 'adamw', restoring into 'sgd'")
        XCTAssertThrowsMessage(try AdamW().restore(state, for: [("w", Tensor(zeros: [3]))]),
                               "optimizer state does not match: buffer 'exp_avg.w' has shape [2], parameter 'w' has [3]")
        XCTAssertThrowsMessage(try AdamW().restore(state, for: [("v", Tensor(zeros: [2]))]),
                               "optimizer state does not match: buffer 'exp_avg.w' is for parameter 'w', which is not being trained")
    }

    func testBadInputThrowsAndUpdatesNothing() throws {
        let parameter = try Tensor(shape: [2], scalars: [1, 2]).requiringGrad()
        parameter.grad = try Tensor(shape: [3], scalars: [1, 1, 1])
        XCTAssertThrowsMessage(try AdamW().step([("w", parameter)], learningRate: 0.1),
                               "parameter 'w': gradient shape [3] differs from parameter shape [2]")
        parameter.grad = try Tensor(shape: [2], scalars: [1, 1])
        XCTAssertThrowsMessage(try SGD().step([("w", parameter), ("w", parameter)], learningRate: 0.1),
                               "parameter 'w': appears more than once in the parameter list")
        XCTAssertThrowsMessage(try SGD().step([("w", parameter)], learningRate: .nan),
                               "invalid optimizer setting: learning rate must be finite and >= 0, got nan")
        XCTAssertEqual(parameter.scalars, [1, 2])
        let adam = try AdamW()
        try adam.step([("w", parameter)], learningRate: 0.1)
        let reshaped = try Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        reshaped.grad = try Tensor(shape: [3], scalars: [1, 1, 1])
        XCTAssertThrowsMessage(try adam.step([("w", reshaped)], learningRate: 0.1),
                               "parameter 'w': has shape [3] but its optimizer state has [2]")
        XCTAssertEqual(reshaped.scalars, [1, 2, 3])
        XCTAssertThrowsMessage(try AdamW(beta1: 1), "invalid optimizer setting: AdamW beta1 must be in [0, 1), got 1.0")
        XCTAssertThrowsError(try SGD(momentum: 0.9, dampening: 0.1, nesterov: true))
    }

    func testTransformersDefaultWeightDecayRule() {
        let decays = WeightDecayExclusion.transformersDefault
        XCTAssertTrue(decays("bert.encoder.layer.0.attention.self.query.lora_A.weight"))
        XCTAssertTrue(decays("classifier.weight"))
        XCTAssertFalse(decays("classifier.bias"))
        XCTAssertFalse(decays("bert.encoder.layer.0.output.LayerNorm.weight"))
        XCTAssertFalse(decays("bert.embeddings.LayerNorm.bias"))
        XCTAssertFalse(decays("model.norm.weight"))
        XCTAssertFalse(decays("layers.0.input_layernorm.weight"))
        XCTAssertTrue(decays("normalizer.weight"))
    }

    func temporaryFile(_ name: String) throws -> URL {
        try makeScratchFolder("loraf-optim").appendingPathComponent(name)
    }
}
