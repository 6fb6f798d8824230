import Foundation
import LorafFormats
import LorafTestSupport
import XCTest

/// Data-parallel causal-LM training under `mpirun -np 2` against one process: SmolLM2-135M-Instruct (Q4_1 base)
/// with LoRA on chat records, `train_on = "assistant"`, two accumulated micro-batches of 2 rows per step. The loss
/// is normalised by the labelled tokens of the whole accumulated global batch, so 2 ranks × 1 row per micro-batch
/// give the losses, weights and (sharded) evaluation of 1 process × 2 rows.
final class DistributedCausalLMTests: XCTestCase {
    /// arg: output folder. Prints "rank R losses ..." and "rank R eval_loss l"; saves each rank's trainable tensors.
    private let trainScript = """
        local out = arg[1]
        local rank = loraf.distributed.rank()
        local lm = loraf.load_model(MODEL)
        lm:adapt{strategy = "lora", r = 4, lora_alpha = 8, target_modules = {"q_proj", "v_proj"}, seed = 100 + rank}
        local losses = {}
        local m = loraf.train{model = lm, train = loraf.dataset(DATA), eval = loraf.dataset(DATA, {format = "messages"}),
          train_on = "assistant", epochs = 1, batch_size = 2, gradient_accumulation_steps = 2, eval_batch_size = 4, max_steps = 2,
          schedule = "constant",
          optimizer = {"sgd", lr = 0.05}, seed = 42,
          on_step = function(s) losses[#losses + 1] = string.format("%.9g", s.loss) end}
        loraf.safetensors.save(out .. "/trainable-" .. rank .. ".safetensors", loraf_test.trainable(lm))
        io.stderr:write(string.format("rank %d losses %s\\nrank %d eval_loss %.9g\\n", rank, table.concat(losses, " "),
                        rank, m.eval_loss))
        """

    func testTwoRanksTrainAndEvaluateAsOneProcess() throws {
        let loraf = try LorafBinary()
        let mpi = try MPIRun(loraf: loraf)
        let folder = try makeScratchFolder("loraf-mpi-causal")
        let data = folder.appendingPathComponent("chat.jsonl")
        let sentences = ["a gorgeous , witty , seductive movie .", "the story is gone before you care .", "it 's a charming journey .",
                         "dull , lifeless and long .", "a masterpiece of quiet power .", "the jokes fall flat .",
                         "warm and very funny .", "nothing here works ."]
        let records = sentences.enumerated().map { index, text in
            #"{"messages": [{"role": "user", "content": "\#(text)"}, {"role": "assistant", "content": "\#(index % 2 == 0 ? "positive" : "negative")"}]}"#
        }
        try Data((records.joined(separator: "\n") + "\n").utf8).write(to: data)
        let header = "local MODEL, DATA = \"\(try smolLM2GGUF().path)\", \"\(data.path)\"\n"
        try Data((header + trainScript).utf8).write(to: folder.appendingPathComponent("train.lua"))
        let env = ["LORAF_TEST_HOOKS": "1"]
        let single = folder.appendingPathComponent("single"), double = folder.appendingPathComponent("double")
        for url in [single, double] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

        let one = try MPIRun.run(loraf.url, ["run", "train.lua", single.path], environment: env, directory: folder, timeout: 300)
        XCTAssertEqual(one.status, 0, one.stderr)
        let two = try mpi.run(ranks: 2, ["run", "train.lua", double.path], environment: env, directory: folder)
        XCTAssertEqual(two.status, 0, two.stderr)

        let oneLosses = RankOutput.numbers(one.stderr, rank: 0, key: "losses")
        XCTAssertEqual(oneLosses.count, 2, one.stderr)
        let oneEval = try XCTUnwrap(RankOutput.numbers(one.stderr, rank: 0, key: "eval_loss").first, one.stderr)
        for rank in 0..<2 {
            let losses = RankOutput.numbers(two.stderr, rank: rank, key: "losses")
            XCTAssertEqual(losses.count, 2, two.stderr)
            for (a, b) in zip(losses, oneLosses) { XCTAssertEqual(a, b, accuracy: 1e-5 * abs(b), "rank \(rank) losses") }
            let eval = try XCTUnwrap(RankOutput.numbers(two.stderr, rank: rank, key: "eval_loss").first, two.stderr)
            XCTAssertEqual(eval, oneEval, accuracy: 1e-5 * abs(oneEval), "rank \(rank): sharded evaluation, reduced")
        }
        let rank0 = try RankOutput.tensors(double.appendingPathComponent("trainable-0.safetensors"))
        XCTAssertEqual(rank0, try RankOutput.tensors(double.appendingPathComponent("trainable-1.safetensors")), "the ranks end bitwise equal")
        let reference = try RankOutput.tensors(single.appendingPathComponent("trainable-0.safetensors"))
        XCTAssertEqual(Set(rank0.keys), Set(reference.keys))
        for (name, values) in rank0 {
            XCTAssertLessThanOrEqual(maxAbsDifference(values, reference[name] ?? []), 1e-5, "2 ranks vs 1 process: \(name)")
        }
    }
}
