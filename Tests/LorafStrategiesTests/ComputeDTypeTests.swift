import XCTest
import LorafKernels
import LorafTestSupport
import LorafModels
import LorafTensor
@testable import LorafStrategies

/// `compute_dtype = "bf16"`: LoRA training passes of all-MiniLM-L6-v2 whose frozen linears compute in bfloat16 stay
/// close to fp32; trainable layers stay fp32; without AVX512_BF16 bf16 is exactly fp32.
final class ComputeDTypeTests: XCTestCase {
    /// MiniLM for 2 labels, LoRA r = 8 on query and value (dropout 0.1), the adapter perturbed so every weight has a
    /// gradient, trainable flags refreshed as the trainer does.
    private func model() throws -> AdaptedModel {
        let model = try miniLMClassifier()
        try adapt(model, "lora", ["r": .int(8), "lora_alpha": .int(16), "lora_dropout": .double(0.1),
                                  "target_modules": .list([.string("query"), .string("value")])])
        model.refreshTrainable()
        perturbTrainable(model, seed: 6)
        return model
    }

    /// Logits, cross-entropy loss and every trainable gradient of one training pass (dropout on, seeded).
    private func step(_ model: AdaptedModel, _ dtype: ComputeDType) throws -> (logits: [Float], loss: Float, grads: [String: [Float]]) {
        model.computeDType = dtype
        model.base.train()
        defer { model.base.eval(); model.computeDType = .fp32 }
        for (_, tensor) in model.trainableParameters { tensor.zeroGrad() }
        let logits = try XCTUnwrap(model.forward(try miniLMBatch(), ForwardContext(training: true, rng: RandomGenerator(seed: 21))).logits)
        let loss = try logits.crossEntropy(targets: IntTensor(shape: [logits.shape[0]], scalars: [1, 0, 1]))
        try loss.backward()
        var grads: [String: [Float]] = [:]
        for (path, tensor) in model.trainableParameters { grads[path] = try XCTUnwrap(tensor.grad, path).scalars }
        return (logits.scalars, try loss.item(), grads)
    }

    /// Tolerances: logits within 2 % of the largest |logit| (+ 1e-3), the loss within 1 % (+ 1e-3), each trainable
    /// gradient within 5 % in L2 norm. bf16 keeps 8 significant bits (relative rounding ≤ 2⁻⁹ per factor), and the
    /// rounding of each frozen product's inputs goes through 6 layers.
    func testMiniLMTrainingStepInBF16IsCloseToFP32() throws {
        guard Kernels.hasBF16Kernel else { throw XCTSkip("this CPU has no AVX512_BF16: bf16 computes in fp32 here") }
        let model = try model()
        let fp32 = try step(model, .fp32), bf16 = try step(model, .bf16)
        let largest = fp32.logits.map(abs).max() ?? 0
        let logitError = zip(fp32.logits, bf16.logits).map { abs($0 - $1) }.max() ?? 0
        print("bf16 vs fp32: max |Δlogit| \(logitError) (max |logit| \(largest)), loss \(bf16.loss) vs \(fp32.loss)")
        XCTAssertNotEqual(bf16.logits, fp32.logits, "the bf16 kernel did not run")
        XCTAssertLessThanOrEqual(logitError, 0.02 * largest + 1e-3)
        XCTAssertEqual(bf16.loss, fp32.loss, accuracy: 0.01 * abs(fp32.loss) + 1e-3)
        XCTAssertEqual(Set(bf16.grads.keys), Set(fp32.grads.keys))
        for (path, reference) in fp32.grads {
            let got = try XCTUnwrap(bf16.grads[path])
            let difference = zip(got, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let norm = reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertLessThanOrEqual(difference, 0.05 * norm, path)
        }
        // Back in fp32 the model computes exactly as before, and the frozen layers let go of their bf16 panels.
        let panelBytes = { model.base.namedModules().reduce(0) { $0 + (($1.module as? BF16PanelHolder)?.bf16PanelBytes ?? 0) } }
        model.computeDType = .bf16
        _ = try model.forward(try miniLMBatch(), model.makeContext())
        XCTAssertGreaterThan(panelBytes(), 0)
        XCTAssertEqual(try step(model, .fp32).logits, fp32.logits)
        XCTAssertEqual(panelBytes(), 0)
    }

    /// Trainable linears (LoRA A/B, the classifier) stay fp32: with every parameter trainable, bf16 changes nothing.
    func testTrainableLinearsStayFP32() throws {
        guard Kernels.hasBF16Kernel else { throw XCTSkip("this CPU has no AVX512_BF16: bf16 computes in fp32 here") }
        let model = try miniLMClassifier()
        for (_, tensor) in model.base.namedParameters() { tensor.requiringGrad(true) }
        let logits = { (dtype: ComputeDType) -> [Float] in
            model.computeDType = dtype
            return try XCTUnwrap(model.forward(try miniLMBatch(), model.makeContext()).logits).scalars
        }
        XCTAssertEqual(try logits(.bf16), try logits(.fp32))
    }

    /// Without the bf16 kernel (LORAF_ISA below avx512, or a CPU without AVX512_BF16), bf16 is fp32 bit for bit and
    /// `effective` says fp32.
    func testWithoutTheKernelBF16IsFP32() throws {
        let saved = CPU.isa
        defer { CPU.isa = saved }
        CPU.isa = .avx2
        XCTAssertFalse(Kernels.hasBF16Kernel)
        XCTAssertEqual(ComputeDType.bf16.effective, .fp32)
        XCTAssertEqual(ComputeDType.fp32.effective, .fp32)
        let model = try model()
        XCTAssertEqual(try step(model, .bf16).logits, try step(model, .fp32).logits)
    }
}
