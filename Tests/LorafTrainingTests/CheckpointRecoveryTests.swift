import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTensor
@testable import LorafTraining

/// A prune cut short must never leave a damaged `checkpoint-N` that resume trips over; incomplete checkpoints
/// are skipped and reported (issue 14 item 10). Uses the fixtures of `CheckpointStoreTests`.
extension CheckpointStoreTests {
    func testPruneRenamesAsideBeforeDeletingAndTheNextSaveClearsLeftovers() throws {
        let store = try CheckpointStore(directory: folder, keepLast: 1)
        try save(store, step: 10)
        // A pruned folder as a kill -9 during its deletion leaves it: renamed aside, half deleted.
        let aside = folder.appendingPathComponent(".checkpoint-5.pruned")
        try FileManager.default.createDirectory(at: aside.appendingPathComponent("adapter"), withIntermediateDirectories: true)
        try save(store, step: 20)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, ["checkpoint-20", "latest"], "checkpoint-10 pruned, the left-over removed")
    }

    func testHalfDeletedCheckpointsAreSkippedByResumeAndReported() throws {
        let store = try CheckpointStore(directory: folder, keepLast: 3)
        try save(store, step: 10)
        let damaged = try save(store, step: 20)
        // What an interrupted recursive delete leaves: the folder and some parts, one adapter file gone.
        try FileManager.default.removeItem(at: damaged.adapterURL.appendingPathComponent("adapter_model.safetensors"))
        XCTAssertEqual(try store.latest()?.step, 10, "the pointer names checkpoint-20, which is incomplete")
        XCTAssertEqual(try store.checkpoints().map(\.step), [10])
        // A file cut short is caught by its size.
        let truncated = try save(store, step: 30)
        try Data().write(to: truncated.trainerStateURL)
        XCTAssertEqual(try store.latest()?.step, 10)

        let inspection = try CheckpointStore.inspect(directory: folder)
        XCTAssertFalse(inspection.isHealthy)
        XCTAssertEqual(inspection.resumable?.step, 10)
        let report = inspection.description
        XCTAssertTrue(report.contains("checkpoint-10: complete"), report)
        XCTAssertTrue(report.contains("checkpoint-20: INCOMPLETE: adapter/adapter_model.safetensors is missing"), report)
        XCTAssertTrue(report.contains("checkpoint-30: INCOMPLETE: trainer_state.json has 0 bytes"), report)
        XCTAssertTrue(report.contains("resume would use: checkpoint-10"), report)
    }

    func testCheckpointsWithoutAManifestStillLoad() throws {
        let store = try CheckpointStore(directory: folder)
        let checkpoint = try save(store, step: 10)
        try FileManager.default.removeItem(at: checkpoint.url.appendingPathComponent(Checkpoint.manifestFile))
        XCTAssertEqual(try store.latest(), checkpoint, "a checkpoint of an older loraf (no manifest) with its three parts")
    }
}
