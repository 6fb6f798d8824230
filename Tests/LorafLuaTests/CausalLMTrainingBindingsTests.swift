import XCTest
import Foundation
import LorafTestSupport
@testable import LorafLua

/// `loraf.dataset` of chat and instruction files, and `loraf.train` / `loraf.evaluate` on a causal LM (SmolLM2),
/// with their argument errors.
final class CausalLMTrainingBindingsTests: XCTestCase {
    private func harness() throws -> (LorafLuaHarness, URL) {
        let folder = try makeScratchFolder("loraf-lua-causal")
        let chats = (0..<6).map { i in
            #"{"messages": [{"role": "system", "content": "Answer yes or no."}, {"role": "user", "content": "Is \#(i) even?"}, {"role": "assistant", "content": "\#(i % 2 == 0 ? "yes" : "no")"}]}"#
        }
        try Data((chats.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("chat.jsonl"))
        try Data(#"[{"instruction": "Add 1 and 2.", "output": "3"}, {"instruction": "Add 2 and 2.", "input": "", "output": "4"}]"#.utf8)
            .write(to: folder.appendingPathComponent("alpaca.json"))
        try Data("1 a fine film\n0 a dull film\n".utf8).write(to: folder.appendingPathComponent("labels.txt"))
        try Data(#"{"messages": [{"role": "user", "content": "hi"}, {"role": "robot", "content": "beep"}]}"#.utf8)
            .write(to: folder.appendingPathComponent("bad.jsonl"))
        let lua = try LorafLuaHarness()
        try lua.state.setGlobal("dir", .string(folder.path))
        try lua.state.setGlobal("path", .string(try smolLM2GGUF().path))
        return (lua, folder)
    }

    func testDatasetsAreReadByFormatOrContent() throws {
        let (lua, _) = try harness()
        XCTAssertEqual(try lua.value("return tostring(loraf.dataset(dir .. '/chat.jsonl'))").stringValue,
                       "InstructionDataset \(try lua.value("return dir").stringValue!)/chat.jsonl (6 records)")
        XCTAssertEqual(try lua.value("return #loraf.dataset(dir .. '/alpaca.json')").integerValue, 2)
        XCTAssertEqual(try lua.value("return #loraf.dataset(dir .. '/chat.jsonl', {format = 'messages'})").integerValue, 6)
        XCTAssertEqual(try lua.value("return tostring(loraf.dataset(dir .. '/labels.txt', {num_labels = 2})):match('^Dataset') ~= nil").booleanValue, true)
        let unknownRole = try XCTUnwrap(lua.error("loraf.dataset(dir .. '/bad.jsonl')"))
        XCTAssert(unknownRole.contains("bad.jsonl:1") && unknownRole.contains("robot"), unknownRole)
        let wrongFormat = try XCTUnwrap(lua.error("loraf.dataset(dir .. '/chat.jsonl', {format = 'alpaca'})"))
        XCTAssert(wrongFormat.contains("chat.jsonl:1") && wrongFormat.contains("instruction"), wrongFormat)
    }

    func testTrainAndEvaluateACausalLMFromLua() throws {
        let (lua, _) = try harness()
        try lua.run("""
            lm = loraf.load_model(path)
            lm:adapt{strategy = "lora", r = 4, lora_alpha = 8, target_modules = "all-linear"}
            chats = loraf.dataset(dir .. "/chat.jsonl")
            before = loraf.evaluate{model = lm, data = chats, eval_generation = {max_new_tokens = 3}}
            m = loraf.train{model = lm, train = chats, eval = chats, train_on = "assistant", batch_size = 3, epochs = 2,
                            optimizer = {"adamw", lr = 3e-3, weight_decay = 0}, schedule = "constant", seed = 1,
                            packing = true, max_length = 64, run_dir = dir .. "/run", eval_generation = true,
                            gradient_checkpointing = true}
            after = loraf.evaluate{model = lm, data = chats, eval_generation = {max_new_tokens = 3}}
            """)
        let beforeLoss = try XCTUnwrap(lua.value("return before.loss").numberValue)
        let afterLoss = try XCTUnwrap(lua.value("return after.loss").numberValue)
        XCTAssertLessThan(afterLoss, beforeLoss)
        XCTAssertEqual(try lua.value("return m.steps").integerValue, 2, "6 chats packed into 2 rows of at most 64 tokens, batches of 3 rows: 1 step an epoch")
        XCTAssertEqual(try lua.value("return m.eval_loss").numberValue!, afterLoss, accuracy: 1e-6)
        XCTAssertEqual(try lua.value("return after.perplexity").numberValue!, exp(afterLoss), accuracy: 1e-6)
        XCTAssertNotNil(try lua.value("return m.eval_generation_accuracy").numberValue)
        XCTAssertNotNil(try lua.value("return m.best_generation_accuracy").numberValue)
        XCTAssertEqual(try lua.value("return after.examples").integerValue, 6)
        XCTAssertEqual(try lua.value("return lm:gradient_checkpointing()").booleanValue, true, "loraf.train set it on the model")
        let metrics = try String(contentsOfFile: lua.value("return dir").stringValue! + "/run/metrics.jsonl", encoding: .utf8)
        XCTAssert(metrics.contains("\"eval_perplexity\"") && metrics.contains("\"eval_generation_accuracy\""), metrics)
    }

    func testCausalArgumentsAreChecked() throws {
        let (lua, _) = try harness()
        try lua.run("lm = loraf.load_model(path); lm:adapt{strategy = 'lora', r = 2, target_modules = {'q_proj'}}")
        XCTAssertEqual(lua.error("loraf.train{model = lm, train = dir .. '/chat.jsonl', train_on = 'answers'}"),
                       "test:1: loraf.train: 'train_on' must be \"assistant\", \"completion\", \"last\", \"all\", got string \"answers\"")
        XCTAssertEqual(lua.error("loraf.train{model = lm, train = dir .. '/chat.jsonl', train_on = 'completion'}"),
                       "test:1: loraf.train: invalid dataset option: train_on = \"completion\" needs prompt/completion records; use \"assistant\" or \"last\" for conversations")
        XCTAssertEqual(lua.error("loraf.train{model = lm, train = dir .. '/chat.jsonl', eval_generation = 3}"),
                       "test:1: loraf.train: 'eval_generation' must be true or a table {max_new_tokens = 16}, got number 3")
        let dropped = try XCTUnwrap(lua.error("loraf.train{model = lm, train = dir .. '/chat.jsonl', max_length = 4, overflow = 'drop'}"))
        XCTAssert(dropped.contains("no examples left") && dropped.contains("6 dropped"), dropped)
        try lua.run("clf = loraf.load_model(path, {task = 'classification', num_labels = 2})")
        let misplaced = try XCTUnwrap(lua.error("loraf.train{model = clf, train = dir .. '/labels.txt', train_on = 'assistant'}"))
        XCTAssert(misplaced.contains("'train_on' is for causal language models"), misplaced)
    }
}
