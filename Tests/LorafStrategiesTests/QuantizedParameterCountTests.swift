import XCTest
import LorafTestSupport
import LorafModels
@testable import LorafStrategies

/// "all params" of a 4-bit base counts its quantized weights, as PEFT counts the weights of the same model in
/// transformers (SmolLM2-135M-Instruct with LoRA r = 16 on every linear layer: PEFT prints
/// `trainable params: 4,884,480 || all params: 139,399,488`, scripts/smollm2_sst2_peft.py).
final class QuantizedParameterCountTests: XCTestCase {
    func testAllParamsOfAQuantizedBaseMatchPEFT() throws {
        let model = AdaptedModel(try ModelLoader.load(smolLM2GGUF(), task: .causalLM))
        XCTAssertEqual(model.base.quantizedScalarCount, 134_515_008 - 576 * 61, "the tied lm_head is counted once; norms are Float32")
        var options = Options(["r": .int(16), "lora_alpha": .int(32), "target_modules": .string("all-linear")], context: "test")
        try model.adapt(strategy: StrategyRegistry.shared.strategy(named: "lora"), name: "default", options: options)
        options.ignore([])
        XCTAssertEqual(model.summary().headline, "trainable params: 4,884,480 || all params: 139,399,488 || trainable%: 3.5039")
    }
}
