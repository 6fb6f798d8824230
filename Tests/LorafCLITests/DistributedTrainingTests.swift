import Foundation
import LorafFormats
import LorafTestSupport
import XCTest

/// Data-parallel training under `mpirun -np 2` against one process, on MiniLM and the first 96 SST-2 sentences:
/// 2 ranks x 16 examples = 1 process x 32 (losses and weights within 1e-5, dropout off), the ranks start equal
/// although they initialise the adapter with different seeds (broadcast), only rank 0 writes, a single process
/// resumes an MPI checkpoint, and with dropout on the ranks end bitwise equal.
final class DistributedTrainingTests: XCTestCase {
    private var loraf: LorafBinary!
    private var folder: URL!

    /// arg: model folder, output folder, "dropout" or "none", max_steps, "resume" or "fresh", run folder (or "-" for
    /// out/run-RANK). Prints "losses l1 l2 ..." and "accuracy a eval_loss l" per rank; saves each rank's trainable
    /// tensors and (rank 0 only, by save_adapter's rule) the adapter.
    private let trainScript = """
        local model_dir, out, dropout, steps, resume, run_dir = arg[1], arg[2], arg[3] == "dropout", tonumber(arg[4]), arg[5] == "resume", arg[6]
        local rank = loraf.distributed.rank()
        if run_dir == "-" then run_dir = out .. "/run-" .. rank end
        local model = loraf.load_model(model_dir, {task = "classification", num_labels = 2, seed = 7})
        model:adapt{strategy = "lora", name = "t", r = 4, lora_alpha = 8, lora_dropout = dropout and 0.1 or 0,
                    target_modules = {"query", "value"}, seed = 100 + rank}
        local losses = {}
        local m = loraf.train{model = model,
          train = loraf.dataset(DATA .. "/train.txt", {num_labels = 2, limit = 96}),
          eval = loraf.dataset(DATA .. "/dev.txt", {num_labels = 2, limit = 40}),
          epochs = 1, batch_size = 32, max_length = 24, max_steps = steps, schedule = "constant",
          optimizer = {"adamw", lr = 1e-3, weight_decay = 0.01}, seed = 42, run_dir = run_dir, resume = resume,
          checkpoint_every = 1, keep_checkpoints = 5,
          on_step = function(s) losses[#losses + 1] = string.format("%.9g", s.loss) end}
        loraf.safetensors.save(out .. "/trainable-" .. rank .. ".safetensors", loraf_test.trainable(model))
        model:save_adapter(out .. "/adapter-" .. rank)
        io.stderr:write(string.format("rank %d losses %s\\nrank %d accuracy %.9g eval_loss %.9g\\n", rank,
                        table.concat(losses, " "), rank, m.eval_accuracy, m.evaluations[#m.evaluations].loss))
        """

    override func setUpWithError() throws {
        loraf = try LorafBinary()
        folder = try makeScratchFolder("loraf-mpi-train")
        let data = repositoryRoot.appendingPathComponent("data/sst2").path
        try Data(("local DATA = \"\(data)\"\n" + trainScript).utf8).write(to: folder.appendingPathComponent("train.lua"))
    }

    /// all-MiniLM-L6-v2 with its dropout probabilities set to 0 (the other files linked).
    private func modelWithoutDropout() throws -> URL {
        let source = try miniLMDirectory()
        let target = folder.appendingPathComponent("minilm-nodropout")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name != "config.json" {
            try FileManager.default.createSymbolicLink(at: target.appendingPathComponent(name), withDestinationURL: source.appendingPathComponent(name))
        }
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("config.json"))) as! [String: Any]
        config["hidden_dropout_prob"] = 0.0
        config["attention_probs_dropout_prob"] = 0.0
        try JSONSerialization.data(withJSONObject: config).write(to: target.appendingPathComponent("config.json"))
        return target
    }

    private func output(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }


    private func assertClose(_ a: [String: [Float]], _ b: [String: [Float]], within tolerance: Float, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.keys), Set(b.keys), what, file: file, line: line)
        XCTAssertFalse(a.isEmpty, what, file: file, line: line)
        for (name, values) in a {
            let difference = maxAbsDifference(values, b[name] ?? [])
            XCTAssertLessThanOrEqual(difference, tolerance, "\(what): \(name)", file: file, line: line)
        }
    }

    func testTwoRanksEqualOneProcessStartEqualWriteOnRankZeroAndResumeAtAnyWorldSize() throws {
        let mpi = try MPIRun(loraf: loraf)
        let model = try modelWithoutDropout().path
        let single = try output("single"), double = try output("double")
        let env = ["LORAF_TEST_HOOKS": "1"]
        // One process, 3 steps of 32 (checkpoints at 1, 2, 3).
        let one = try MPIRun.run(loraf.url, ["run", "train.lua", model, single.path, "none", "3", "fresh", "-"],
                                 environment: env, directory: folder, timeout: 300)
        XCTAssertEqual(one.status, 0, one.stderr)
        // Two ranks, 2 steps of 2 x 16; rank 1 initialises its adapter with another seed.
        let two = try mpi.run(ranks: 2, ["run", "train.lua", model, double.path, "none", "2", "fresh", "-"],
                              environment: env, directory: folder)
        XCTAssertEqual(two.status, 0, two.stderr)

        let oneLosses = RankOutput.numbers(one.stderr, rank: 0, key: "losses")
        XCTAssertEqual(oneLosses.count, 3, one.stderr)
        for rank in 0..<2 {
            let losses = RankOutput.numbers(two.stderr, rank: rank, key: "losses")
            XCTAssertEqual(losses.count, 2, two.stderr)
            for (a, b) in zip(losses, oneLosses) { XCTAssertEqual(a, b, accuracy: 1e-5, "rank \(rank) losses") }
        }
        // Equal weights after 2 steps: the ranks bitwise (so rank 1's own initialisation was replaced), and the
        // single process's step-2 checkpoint within 1e-5.
        let rank0 = try RankOutput.tensors(double.appendingPathComponent("trainable-0.safetensors"))
        assertClose(rank0, try RankOutput.tensors(double.appendingPathComponent("trainable-1.safetensors")), within: 0, "rank 0 vs rank 1")
        let step2 = try RankOutput.tensors(single.appendingPathComponent("run-0/checkpoint-2/adapter/trainable.safetensors"))
        assertClose(rank0, step2, within: 1e-5, "2 ranks vs 1 process after 2 steps")
        // Only rank 0 wrote: its run folder (metrics, checkpoints) and adapter; nothing of rank 1's.
        let manager = FileManager.default
        XCTAssertTrue(manager.fileExists(atPath: double.appendingPathComponent("run-0/metrics.jsonl").path))
        XCTAssertTrue(manager.fileExists(atPath: double.appendingPathComponent("run-0/checkpoint-2/trainer_state.json").path))
        XCTAssertTrue(manager.fileExists(atPath: double.appendingPathComponent("adapter-0/adapter_model.safetensors").path))
        XCTAssertFalse(manager.fileExists(atPath: double.appendingPathComponent("run-1").path))
        XCTAssertFalse(manager.fileExists(atPath: double.appendingPathComponent("adapter-1").path))
        XCTAssertEqual(two.stdout.components(separatedBy: "eval at step").count - 1, 1, "progress from rank 0 only:\n\(two.stdout)")

        // The 2-rank checkpoint (step 2) resumed by one process and by two ranks: both take step 3 as the single
        // run did, and the sharded evaluation of the two ranks gives the single process's metrics.
        let oneEval = RankOutput.numbers(one.stderr, rank: 0, key: "accuracy")
        XCTAssertEqual(oneEval.count, 2, one.stderr)
        let straight = try RankOutput.tensors(single.appendingPathComponent("trainable-0.safetensors"))
        for ranks in [1, 2] {
            let out = try output("resumed-\(ranks)")
            let runFolder = out.appendingPathComponent("run")
            try manager.copyItem(at: double.appendingPathComponent("run-0"), to: runFolder)
            let arguments = ["run", "train.lua", model, out.path, "none", "3", "resume", runFolder.path]
            let result = ranks == 1
                ? try MPIRun.run(loraf.url, arguments, environment: env, directory: folder, timeout: 300)
                : try mpi.run(ranks: 2, arguments, environment: env, directory: folder)
            XCTAssertEqual(result.status, 0, result.stderr)
            for rank in 0..<ranks {
                let losses = RankOutput.numbers(result.stderr, rank: rank, key: "losses")
                XCTAssertEqual(losses.count, 1, result.stderr)
                XCTAssertEqual(losses.first ?? .nan, oneLosses.last ?? .nan, accuracy: 1e-5, "\(ranks) ranks: step 3 loss")
                assertClose(try RankOutput.tensors(out.appendingPathComponent("trainable-\(rank).safetensors")), straight, within: 1e-5,
                            "\(ranks) ranks resumed vs straight")
                let eval = RankOutput.numbers(result.stderr, rank: rank, key: "accuracy")
                XCTAssertEqual(eval.count, 2, result.stderr)
                XCTAssertEqual(eval.first ?? .nan, oneEval[0], "\(ranks) ranks: accuracy after 3 steps")
                XCTAssertEqual(eval.last ?? .nan, oneEval[1], accuracy: 1e-5, "\(ranks) ranks: eval loss after 3 steps")
            }
        }
    }

    func testWithDropoutTheRanksEndBitwiseEqual() throws {
        let mpi = try MPIRun(loraf: loraf)
        let out = try output("dropout")
        let result = try mpi.run(ranks: 2, ["run", "train.lua", try miniLMDirectory().path, out.path, "dropout", "2", "fresh", "-"],
                                 environment: ["LORAF_TEST_HOOKS": "1"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        assertClose(try RankOutput.tensors(out.appendingPathComponent("trainable-0.safetensors")),
                    try RankOutput.tensors(out.appendingPathComponent("trainable-1.safetensors")), within: 0, "rank 0 vs rank 1 with dropout")
        XCTAssertEqual(RankOutput.numbers(result.stderr, rank: 0, key: "losses"), RankOutput.numbers(result.stderr, rank: 1, key: "losses"))
        XCTAssertEqual(RankOutput.numbers(result.stderr, rank: 0, key: "losses").count, 2, result.stderr)
    }
}
