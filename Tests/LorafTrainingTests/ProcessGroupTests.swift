import XCTest
@testable import LorafTensor
@testable import LorafTraining

/// A stand-in for rank `rank` of a 2-rank job whose peer holds `peer(values)`: each collective combines the local
/// buffer with the peer's as MPI would. (The real MPI group is tested end to end under mpirun in LorafCLITests.)
private final class TwoRanks: ProcessGroup {
    let rank: Int
    let size = 2
    let peer: @Sendable (Double) -> Double
    init(rank: Int = 0, peer: @escaping @Sendable (Double) -> Double = { $0 }) {
        self.rank = rank
        self.peer = peer
    }
    private func combine<T: BinaryFloatingPoint>(_ a: T, _ b: T, _ operation: ReduceOperation) -> T {
        switch operation {
        case .sum: return a + b
        case .max: return Swift.max(a, b)
        case .min: return Swift.min(a, b)
        }
    }
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
        for i in buffer.indices { buffer[i] = combine(buffer[i], Float(peer(Double(buffer[i]))), operation) }
    }
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {
        for i in buffer.indices { buffer[i] = combine(buffer[i], peer(buffer[i]), operation) }
    }
    func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {
        if root != rank { for i in buffer.indices { buffer[i] = Float(peer(Double(buffer[i]))) } }
    }
    func barrier() throws {}
}

final class ProcessGroupTests: XCTestCase {
    func testShardsCoverTheBatchInRankOrderWithTheRemainderOnTheFirstRanks() {
        final class Rank: ProcessGroup {
            let rank: Int, size: Int
            init(_ rank: Int, of size: Int) { (self.rank, self.size) = (rank, size) }
            func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {}
            func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {}
            func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {}
            func barrier() throws {}
        }
        let batch = Array(10..<20)
        XCTAssertEqual((0..<3).map { Array(Rank($0, of: 3).shard(of: batch)) }, [[10, 11, 12, 13], [14, 15, 16], [17, 18, 19]])
        XCTAssertEqual((0..<4).map { Rank($0, of: 4).shard(of: [1, 2]).count }, [1, 1, 0, 0])
        XCTAssertEqual(Array(SingleProcess().shard(of: batch)), batch)
    }

    func testGradientAllReduceSumsEveryGradientAndTheStatisticsInOneBuffer() throws {
        let dense = Tensor(zeros: [2, 2]).requiringGrad(), missing = Tensor(zeros: [3]).requiringGrad()
        let strided = Tensor(zeros: [2, 2]).requiringGrad()
        dense.grad = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        strided.grad = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).transposed()   // a non-contiguous view
        let sync = GradientAllReduce(group: TwoRanks { $0 * 10 })                        // the peer holds 10x
        var statistics = [0.5, 7]
        try sync.reduce([("dense", dense), ("missing", missing), ("strided", strided)], statistics: &statistics)
        XCTAssertEqual(dense.grad?.scalars, [11, 22, 33, 44])
        XCTAssertEqual(missing.grad?.scalars, [0, 0, 0])
        XCTAssertEqual(strided.grad?.scalars, [11, 33, 22, 44])
        XCTAssertEqual(statistics, [5.5, 77])
        XCTAssertEqual(sync.bytesPerCall, (4 + 3 + 4 + 2) * 4)
        XCTAssertEqual(sync.calls, 1)
    }

    func testSingleProcessReduceLeavesEverythingAsItIs() throws {
        let tensor = Tensor(zeros: [2]).requiringGrad()
        tensor.grad = try Tensor(shape: [2], scalars: [1, 2])
        var statistics = [0.25]
        let sync = GradientAllReduce(group: SingleProcess())
        try sync.reduce([("t", tensor)], statistics: &statistics)
        XCTAssertEqual(tensor.grad?.scalars, [1, 2])
        XCTAssertEqual(statistics, [0.25])
        XCTAssertEqual(sync.calls, 0)
    }

    func testBroadcastReplacesTheParametersByTheRootsValues() throws {
        let a = try Tensor(shape: [2], scalars: [1, 2]), b = try Tensor(shape: [1], scalars: [3])
        try TwoRanks(rank: 1) { $0 + 100 }.broadcast([("a", a), ("b", b)], root: 0)
        XCTAssertEqual(a.scalars + b.scalars, [101, 102, 103])
    }

    func testDisagreementIsAnErrorNamingTheQuantity() throws {
        try TwoRanks().requireAgreement(["the batch size": 32, "the seed": 42])
        // The peer's seed is 7 (its -42 is -7).
        XCTAssertThrowsError(try TwoRanks { abs($0) == 42 ? ($0 < 0 ? -7 : 7) : $0 }.requireAgreement(["the batch size": 32, "the seed": 42])) { error in
            XCTAssertEqual("\(error)", "the 2 ranks disagree on the seed: from 7.0 to 42.0 (every rank must run the same script on the same data)")
        }
    }

    func testShardedEvaluationGathersEveryPrediction() throws {
        XCTAssertEqual(Trainer.evaluationShard(Array(0..<7), group: TwoRanks(rank: 1)), [1, 3, 5])
        var predictions = [0, 1, 0, 1], loss = 2.0
        try Trainer.reduceEvaluation(&predictions, lossSum: &loss, group: TwoRanks { $0 == 0 ? 1 : 0 })
        XCTAssertEqual(predictions, [1, 1, 1, 1])
        XCTAssertEqual(loss, 2)
    }
}
