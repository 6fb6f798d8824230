import Foundation
import XCTest
import LorafFormats
import LorafModels
import LorafTensor
import LorafTestSupport
import LorafTokenizers

/// One opening of a model's files (``ModelFiles``) serves the loader and the tokenizer, and a loaded GGUF model keeps
/// only what it reads: its blocks hold the file mapping, not the parsed file with its vocabulary and merges.
final class ModelFilesTests: XCTestCase {
    func testGGUFModelKeepsTheMappingNotTheParsedMetadata() throws {
        weak var parsed: GGUFFile?
        let (model, tokenizer) = try { () throws -> (TransformerModel, any Tokenizer) in
            let files = try ModelFiles.open(smolLM2GGUF())
            guard case let .gguf(file) = files else { throw XCTSkip("the SmolLM2 GGUF opened as a folder") }
            parsed = file
            return (try ModelLoader.load(files, task: .causalLM), try ModelTextFiles.load(for: files).tokenizer)
        }()
        XCTAssertNil(parsed, "no layer should keep the GGUFFile (and its metadata) alive")
        let prompt = "The capital of France is"
        let ids = try tokenizer.encodeIds(prompt, addSpecialTokens: false)
        XCTAssertEqual(ids, try ModelTextFiles.load(for: smolLM2GGUF()).tokenizer.encodeIds(prompt, addSpecialTokens: false))
        var input = try ModelInput(inputIds: IntTensor(shape: [1, ids.count], scalars: ids))
        input.logitsToKeep = 1
        let logits = try XCTUnwrap(GradMode.disabled { try model.forward(input, model.makeContext()) }.logits).contiguous()
        XCTAssertEqual(logits.shape, [1, 1, tokenizer.vocabSize])
        let next = (0..<tokenizer.vocabSize).max { logits.data[$0] < logits.data[$1] }!
        XCTAssertEqual(try tokenizer.decode([next], skipSpecialTokens: true), " Paris", "the blocks are read through the kept mapping")
    }
}
