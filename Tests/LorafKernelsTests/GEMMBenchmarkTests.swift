import XCTest
import Foundation
@testable import LorafKernels

final class GEMMBenchmarkTests: XCTestCase {
    func testShapesCoverTheBrief() {
        let linear = GEMMBenchmark.shapes.filter { $0.batch == 1 }
        XCTAssertEqual(linear.count, 9)
        XCTAssertEqual(Set(linear.map(\.layout)), ["NN", "NT", "TN"])
        XCTAssertTrue(linear.allSatisfy { $0.m == 2048 })
        XCTAssertEqual(GEMMBenchmark.shapes.filter { $0.batch == 384 }.count, 3)
    }

    func testMeasureAndJSONRoundTrip() throws {
        let shape = GEMMBenchmarkShape(name: "tiny", m: 16, n: 24, k: 8, transA: false, transB: true, batch: 2)
        let rows = GEMMBenchmark.measure(threads: [1, 2], shapes: [shape], secondsPerCase: 0.01)
        XCTAssertEqual(rows.map(\.threads), [1, 2])
        XCTAssertTrue(rows.allSatisfy { $0.gflops > 0 && $0.seconds > 0 })
        let decoded = try JSONDecoder().decode([GEMMBenchmarkRow].self, from: Data(GEMMBenchmark.render(json: rows).utf8))
        XCTAssertEqual(decoded, rows)
        XCTAssertEqual(GEMMBenchmark.render(table: rows).split(separator: "\n").count, 3)
    }
}
