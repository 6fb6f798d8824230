import XCTest
@testable import LorafGeneration

final class TokenSamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5]

    func draw(_ options: SamplingOptions, previous: [Int] = [], count: Int = 400) throws -> [Int: Int] {
        var sampler = try TokenSampler(options, rows: 1)
        var histogram: [Int: Int] = [:]
        for _ in 0..<count {
            let id = logits.withUnsafeBufferPointer { sampler.next(row: 0, logits: $0, previous: previous) }
            histogram[id, default: 0] += 1
        }
        return histogram
    }

    func testGreedyAndFiltersThatLeaveOneToken() throws {
        XCTAssertEqual(try draw(SamplingOptions()), [1: 400])
        XCTAssertEqual(try draw(SamplingOptions(temperature: 1, topK: 1)), [1: 400])
        XCTAssertEqual(try draw(SamplingOptions(temperature: 1, topP: 0.01)), [1: 400])
        XCTAssertEqual(try draw(SamplingOptions(temperature: 1, minP: 1)), [1: 400])
    }

    func testTopKAndTopPKeepTheExpectedTokens() throws {
        XCTAssertEqual(Set(try draw(SamplingOptions(temperature: 1, topK: 2)).keys), [1, 2])
        // softmax of the logits: 0.0866, 0.6399, 0.3881·... → tokens 1 and 2 carry about 0.87 of the mass.
        XCTAssertEqual(Set(try draw(SamplingOptions(temperature: 1, topP: 0.8)).keys), [1, 2])
        XCTAssertEqual(Set(try draw(SamplingOptions(temperature: 1, minP: 0.1)).keys), [0, 1, 2])
    }

    func testSeedReproducesAndFrequenciesFollowTheSoftmax() throws {
        let options = SamplingOptions(temperature: 1, seed: 7)
        let a = try draw(options, count: 4000), b = try draw(options, count: 4000)
        XCTAssertEqual(a, b)
        let e = logits.map { exp(Double($0)) }, total = e.reduce(0, +)
        for (id, n) in a { XCTAssertEqual(Double(n) / 4000, e[id] / total, accuracy: 0.03, "token \(id)") }
        XCTAssertNotEqual(a, try draw(SamplingOptions(temperature: 1, seed: 8), count: 4000))
    }

    func testRepetitionPenaltyAsTransformersAppliesIt() throws {
        // Token 1 (3.0) seen: 3.0 / 2 = 1.5 < 2.5, so greedy picks token 2; a seen negative logit gets more negative.
        XCTAssertEqual(try draw(SamplingOptions(repetitionPenalty: 2), previous: [1], count: 1), [2: 1])
        XCTAssertEqual(try draw(SamplingOptions(repetitionPenalty: 1), previous: [1], count: 1), [1: 1])
    }

    func testOptionRangesAreChecked() {
        XCTAssertThrowsError(try TokenSampler(SamplingOptions(temperature: -1), rows: 1)) {
            XCTAssertEqual("\($0)", "temperature must be a finite number >= 0, got -1.0")
        }
        XCTAssertThrowsError(try TokenSampler(SamplingOptions(repetitionPenalty: 0), rows: 1))
        XCTAssertThrowsError(try TokenSampler(SamplingOptions(topK: -3), rows: 1))
    }
}
