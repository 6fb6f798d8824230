import Foundation
import XCTest
import LorafTensor
@testable import LorafTraining

final class BatchSamplerTests: XCTestCase {
    private func epochs(_ sampler: inout BatchSampler, count: Int) -> [[[Int]]] {
        (0..<count).map { _ in
            var batches: [[Int]] = []
            while let batch = sampler.next() { batches.append(batch) }
            return batches
        }
    }

    func testEpochsCoverEveryIndexOnceAndDifferBetweenEpochs() throws {
        let plan = try BatchPlan(exampleCount: 10, batchSize: 4)
        var sampler = BatchSampler(plan: plan, seed: 1)
        let run = epochs(&sampler, count: 2)
        XCTAssertEqual(run.map { $0.map(\.count) }, [[4, 4, 2], [4, 4, 2]])
        for epoch in run { XCTAssertEqual(epoch.flatMap { $0 }.sorted(), Array(0..<10)) }
        XCTAssertNotEqual(run[0], run[1])
        XCTAssertEqual(sampler.epoch, 2)
        var again = BatchSampler(plan: plan, seed: 1)
        XCTAssertEqual(epochs(&again, count: 2), run)
    }

    func testNoShuffleKeepsOrderAndDropLastDropsTheShortBatch() throws {
        var sampler = BatchSampler(plan: try BatchPlan(exampleCount: 7, batchSize: 3, shuffle: false, dropLast: true), seed: 0)
        XCTAssertEqual(epochs(&sampler, count: 2), [[[0, 1, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 5]]])
        XCTAssertEqual(sampler.plan.batchesPerEpoch, 2)
    }

    func testStateRoundTripResumesTheExactOrder() throws {
        let plan = try BatchPlan(exampleCount: 23, batchSize: 5,
                                 lengthGrouping: .init(lengths: (0..<23).map { ($0 * 7) % 11 }, megaBatchFactor: 2))
        var uninterrupted = BatchSampler(plan: plan, seed: 9)
        let expected = epochs(&uninterrupted, count: 3).flatMap { $0 }
        for stop in [0, 3, 5, 7, 12] {   // 5 batches per epoch: stop mid-epoch, at an epoch end, in epoch 2
            var first = BatchSampler(plan: plan, seed: 9)
            var seen: [[Int]] = []
            while seen.count < stop { if let batch = first.next() { seen.append(batch) } }
            let saved = try JSONEncoder().encode(first.state)
            var resumed = try BatchSampler(plan: plan, restoring: JSONDecoder().decode(BatchSamplerState.self, from: saved))
            XCTAssertEqual(resumed.epoch, first.epoch)
            while resumed.epoch < 3 { if let batch = resumed.next() { seen.append(batch) } }
            XCTAssertEqual(seen, expected, "stopped after \(stop) batches")
        }
    }

    func testRestoreRejectsAStateForAnotherPlan() throws {
        let state = BatchSampler(plan: try BatchPlan(exampleCount: 10, batchSize: 4), seed: 1).state
        XCTAssertThrowsMessage(try BatchSampler(plan: try BatchPlan(exampleCount: 11, batchSize: 4), restoring: state),
            "invalid batch plan: sampler state is for 10 examples in batches of 4, the plan has 11 in batches of 4")
    }

    func testPlanValidation() {
        XCTAssertThrowsMessage(try BatchPlan(exampleCount: 3, batchSize: 0), "invalid batch plan: batchSize must be positive, got 0")
        XCTAssertThrowsMessage(try BatchPlan(exampleCount: 3, batchSize: 4, dropLast: true),
                               "invalid batch plan: dropLast with 3 examples and batchSize 4 leaves no batch")
        XCTAssertThrowsMessage(try BatchPlan(exampleCount: 3, batchSize: 2, lengthGrouping: .init(lengths: [1, 2])),
                               "invalid batch plan: lengthGrouping has 2 lengths for 3 examples")
        XCTAssertThrowsMessage(try BatchPlan(exampleCount: 2, batchSize: 2, lengthGrouping: .init(lengths: [1, -2])),
                               "invalid batch plan: lengthGrouping.lengths[1] is negative (-2)")
    }

    /// Padding of SST-2 train (word counts as lengths), batches of 32: grouped batches pad far less.
    func testLengthGroupingReducesPaddingOnSST2() throws {
        let dataset = try TextClassificationDataset.read(TestFiles.data("sst2/train.txt"))
        let lengths = dataset.examples.map { $0.text.split(separator: " ").count }
        func padding(_ grouping: BatchPlan.LengthGrouping?) throws -> Int {
            let plan = try BatchPlan(exampleCount: lengths.count, batchSize: 32, lengthGrouping: grouping)
            var generator = RandomGenerator(seed: 4)
            let batches = plan.batches(using: &generator)
            XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<lengths.count))
            return batches.reduce(0) { total, batch in
                let longest = batch.map { lengths[$0] }.max() ?? 0
                return total + batch.reduce(0) { $0 + longest - lengths[$1] }
            }
        }
        let random = try padding(nil)
        let grouped = try padding(.init(lengths: lengths))
        print("SST-2 train padding tokens, batch 32: random \(random), length-grouped \(grouped)")
        XCTAssertLessThan(grouped * 5, random)
    }

    func testGroupedBatchesAreSortedWithinMegaBatches() throws {
        let lengths = [5, 1, 4, 2, 3, 6, 0, 7]
        let plan = try BatchPlan(exampleCount: 8, batchSize: 2, shuffle: false,
                                 lengthGrouping: .init(lengths: lengths, megaBatchFactor: 2))
        var generator = RandomGenerator(seed: 0)
        XCTAssertEqual(plan.batches(using: &generator), [[0, 2], [3, 1], [7, 5], [4, 6]])
    }
}
