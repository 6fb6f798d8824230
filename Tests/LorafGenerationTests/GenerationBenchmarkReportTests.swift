import XCTest
import Foundation
@testable import LorafGeneration

/// `GenerationBenchmark.report`: the tg int8 column ("-" where the CPU has no int8 kernels) and its JSON field.
final class GenerationBenchmarkReportTests: XCTestCase {
    func testInt8ColumnAndJSONField() throws {
        let with = GenerationBenchmark.Row(threads: 1, promptTokens: 128, prefillTokensPerSecond: 500, generatedTokens: 64,
                                           decodeTokensPerSecond: 40, decodeInt8TokensPerSecond: 55.5, peakRSSMegabytes: 170)
        var without = with
        without.threads = 2
        without.decodeInt8TokensPerSecond = nil
        let lines = try GenerationBenchmark.report([with, without], json: false).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let header = String(lines[0])
        XCTAssert(header.contains("tg int8 tokens/s"), header)
        // Each value ends where its column's title ends.
        let int8End = header.range(of: "tg int8 tokens/s")!.upperBound.utf16Offset(in: header)
        XCTAssertEqual(String(lines[1]).range(of: "55.5")!.upperBound.utf16Offset(in: String(lines[1])), int8End)
        XCTAssertEqual(String(lines[2]).range(of: "-")!.upperBound.utf16Offset(in: String(lines[2])), int8End)
        let json = try GenerationBenchmark.report([with, without], json: true)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows[0]["decodeInt8TokensPerSecond"] as? Double, 55.5)
        XCTAssertNil(rows[1]["decodeInt8TokensPerSecond"])
    }
}
