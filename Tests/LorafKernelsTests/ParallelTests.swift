import XCTest
@testable import LorafKernels

final class ParallelTests: XCTestCase {
    func testEveryChunkRunsExactlyOnce() {
        for threads in [1, 2, 3] {
            withKernelSettings(threads: threads, isa: CPU.isa) {
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
                defer { counts.deallocate() }
                counts.initialize(repeating: 0, count: 1000)
                for _ in 0..<50 {
                    Parallel.forEach(chunks: 1000) { counts[$0] += 1 }   // each index written by one thread only
                }
                XCTAssertEqual((0..<1000).filter { counts[$0] != 50 }, [], "threads \(threads)")
            }
        }
    }

    func testNestedCallsRunSeriallyAndComplete() {
        withKernelSettings(threads: 2, isa: CPU.isa) {
            let totals = UnsafeMutablePointer<Int>.allocate(capacity: 8)
            defer { totals.deallocate() }
            totals.initialize(repeating: 0, count: 8)
            Parallel.forEach(chunks: 8) { outer in
                Parallel.forEach(chunks: 10) { inner in totals[outer] += inner }
            }
            XCTAssertEqual((0..<8).map { totals[$0] }, Array(repeating: 45, count: 8))
        }
    }

    func testThreadCountIsClampedToOne() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 0
        XCTAssertEqual(Parallel.threadCount, 1)
        var seen: [Int] = []
        Parallel.forEach(chunks: 3) { seen.append($0) }   // serial with one thread: in order
        XCTAssertEqual(seen, [0, 1, 2])
    }
}
