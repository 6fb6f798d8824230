import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTensor
@testable import LorafTraining

final class CheckpointStoreTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = scratchURL("loraf-ckpt")
    }

    func trainerState(step: Int) throws -> TrainerState {
        let plan = try BatchPlan(exampleCount: 10, batchSize: 4)
        var sampler = BatchSampler(plan: plan, seed: 7)
        _ = sampler.next()
        return TrainerState(globalStep: step, epoch: 0, sampler: sampler.state,
                            dropoutGeneratorState: [UInt64.max, 1, 0x8000_0000_0000_0001, 42], schedulePosition: step,
                            bestMetric: MetricPoint(step: step, value: 0.8125),
                            lossHistory: [MetricPoint(step: 1, value: 0.69), MetricPoint(step: 2, value: .nan)],
                            evalHistory: [MetricPoint(step: step, value: 0.8125)])
    }

    func optimizerState(step: Int) throws -> OptimizerState {
        OptimizerState(kind: "adamw", buffers: ["exp_avg.w": try Tensor(shape: [2], scalars: [Float(step), 0.5]),
                                                "exp_avg_sq.w": try Tensor(shape: [2], scalars: [0.25, 1e-8])],
                       steps: ["w": step])
    }

    @discardableResult
    func save(_ store: CheckpointStore, step: Int) throws -> Checkpoint {
        try store.save(step: step, optimizerState: optimizerState(step: step), trainerState: trainerState(step: step)) { adapter in
            try Data("weights of step \(step)".utf8).write(to: adapter.appendingPathComponent("adapter_model.safetensors"))
        }
    }

    func testSaveWritesAllPartsAndTheyReadBack() throws {
        let store = try CheckpointStore(directory: folder)
        let checkpoint = try save(store, step: 10)
        XCTAssertEqual(checkpoint.url.lastPathComponent, "checkpoint-10")
        XCTAssertEqual(try store.latest(), checkpoint)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("latest"), encoding: .utf8), "checkpoint-10\n")

        let trainer = try checkpoint.trainerState()
        let expected = try trainerState(step: 10)
        XCTAssertEqual(trainer.dropoutGeneratorState, expected.dropoutGeneratorState)
        XCTAssertEqual(trainer.sampler, expected.sampler)
        XCTAssertEqual(trainer.bestMetric, expected.bestMetric)
        XCTAssertTrue(trainer.lossHistory[1].value.isNaN)
        XCTAssertEqual(trainer.lossHistory[0], expected.lossHistory[0])

        let optimizer = try checkpoint.optimizerState()
        XCTAssertEqual(optimizer.kind, "adamw")
        XCTAssertEqual(optimizer.steps, ["w": 10])
        XCTAssertEqual(optimizer.buffers["exp_avg_sq.w"]?.scalars, [0.25, 1e-8])
        XCTAssertEqual(try String(contentsOf: checkpoint.adapterURL.appendingPathComponent("adapter_model.safetensors"), encoding: .utf8),
                       "weights of step 10")
    }

    func testKeepsOnlyTheLastK() throws {
        let store = try CheckpointStore(directory: folder, keepLast: 2)
        for step in [5, 10, 15] { try save(store, step: step) }
        XCTAssertEqual(try store.checkpoints().map(\.step), [10, 15])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint-5").path))
        XCTAssertEqual(try store.latest()?.step, 15)
    }

    func testFailingAdapterWriterLeavesPreviousCheckpoint() throws {
        struct DiskFull: Error {}
        let store = try CheckpointStore(directory: folder, keepLast: 1)
        try save(store, step: 10)
        XCTAssertThrowsError(try store.save(step: 20, optimizerState: optimizerState(step: 20), trainerState: trainerState(step: 20)) { adapter in
            try Data("half".utf8).write(to: adapter.appendingPathComponent("adapter_model.safetensors"))
            throw DiskFull()
        }) { XCTAssertTrue($0 is DiskFull) }
        XCTAssertEqual(try store.latest()?.step, 10)
        XCTAssertEqual(try store.latest()?.trainerState().globalStep, 10)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, ["checkpoint-10", "latest"])
    }

    func testLeftoverTemporaryFolderIsIgnoredAndCleanedUp() throws {
        let store = try CheckpointStore(directory: folder)
        try save(store, step: 10)
        // A crash while writing step 20: a staging folder with some parts, possibly even all of them.
        let staging = folder.appendingPathComponent(".checkpoint-20.tmp")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("checkpoint-10"), to: staging)
        try FileManager.default.removeItem(at: staging.appendingPathComponent("trainer_state.json"))
        XCTAssertEqual(try store.latest()?.step, 10)
        XCTAssertEqual(try store.checkpoints().map(\.step), [10])

        try save(store, step: 30)
        XCTAssertFalse(FileManager.default.fileExists(atPath: staging.path))
        XCTAssertEqual(try store.checkpoints().map(\.step), [10, 30])
    }

    func testPointerFallsBackToNewestCompleteCheckpoint() throws {
        let store = try CheckpointStore(directory: folder)
        try save(store, step: 10)
        try save(store, step: 20)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("checkpoint-20/trainer_state.json"))
        XCTAssertEqual(try store.latest()?.step, 10)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("latest"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("checkpoint-x1"), withIntermediateDirectories: true)
        XCTAssertEqual(try store.latest()?.step, 10)
    }

    func testResavingAStepReplacesIt() throws {
        let store = try CheckpointStore(directory: folder)
        try save(store, step: 10)
        let again = try store.save(step: 10, optimizerState: optimizerState(step: 11), trainerState: trainerState(step: 11)) { _ in }
        XCTAssertEqual(try again.trainerState().globalStep, 11)
        XCTAssertEqual(try store.checkpoints().map(\.step), [10])
    }

    func testSaveInterruptedBetweenReplacingRenamesRestoresTheOldCopy() throws {
        let store = try CheckpointStore(directory: folder)
        try save(store, step: 10)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("checkpoint-10"),
                                         to: folder.appendingPathComponent(".checkpoint-10.old"))
        try save(store, step: 20)
        XCTAssertEqual(try store.checkpoints().map(\.step), [10, 20])
        XCTAssertEqual(try store.checkpoints().first?.trainerState().globalStep, 10)
    }

    func testEmptyFolderHasNoLatestAndBadSettingsThrow() throws {
        XCTAssertNil(try CheckpointStore(directory: folder).latest())
        XCTAssertThrowsMessage(try CheckpointStore(directory: folder, keepLast: 0), "checkpoint: keep_last must be at least 1, got 0")
        try Data("{\"global_step\": 1}".utf8).write(to: folder.appendingPathComponent("bad.json"))
        XCTAssertThrowsError(try TrainerState(contentsOf: folder.appendingPathComponent("bad.json"))) { error in
            XCTAssertTrue("\(error)".hasPrefix(self.folder.appendingPathComponent("bad.json").path + ": not a valid trainer state"))
        }
    }
}
