import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Prints how fast SmolLM2's byte-level BPE loads and encodes (figures only, no timing asserts:
/// the shared build machine is too noisy). Run in release for meaningful numbers.
final class ByteLevelBPEThroughputTests: XCTestCase {
    func testSST2Throughput() throws {
        let loadStart = Date()
        let tokenizer = try AutoTokenizer.load(modelDirectory: SmolLM2Fixtures.folder)
        print(String(format: "SmolLM2 tokenizer.json loaded in %.3f s", Date().timeIntervalSince(loadStart)))
        let dev = try SmolLM2Fixtures.parity().cases.suffix(300).map(\.text)
        let train = try String(contentsOf: repositoryRoot.appendingPathComponent("data/sst2/train.txt"), encoding: .utf8)
            .split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
        for (name, sentences) in [("SST-2 dev (300, cold cache)", dev), ("SST-2 train (6,920)", train)] {
            let start = Date()
            var tokens = 0
            for sentence in sentences { tokens += try tokenizer.encodeIds(sentence, addSpecialTokens: false).count }
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "%@: %d tokens in %.3f s, %.0f sentences/s", name, tokens, seconds,
                         Double(sentences.count) / seconds))
            XCTAssertGreaterThan(tokens, sentences.count * 3)
        }
    }
}
