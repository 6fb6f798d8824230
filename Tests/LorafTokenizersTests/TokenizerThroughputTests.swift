import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// Tokenizes the SST-2 training set (6,920 sentences) and reports load time and sentences per second.
final class TokenizerThroughputTests: XCTestCase {
    func testSST2TrainThroughput() throws {
        let loadStart = Date()
        var tokenizer = try TokenizerTestSupport.loadTokenizer()
        print(String(format: "tokenizer.json loaded in %.3f s", Date().timeIntervalSince(loadStart)))
        tokenizer.truncation = nil
        let url = repositoryRoot.appendingPathComponent("data/sst2/train.txt")
        let sentences = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { String($0.drop { $0 != " " }.dropFirst()) }
        XCTAssertEqual(sentences.count, 6920)
        let start = Date()
        var tokens = 0
        var unknown = 0
        for sentence in sentences {
            let ids = try tokenizer.encode(sentence).ids
            tokens += ids.count
            unknown += ids.filter { $0 == tokenizer.specialTokenIds.unk }.count
        }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "SST-2 train: %d sentences, %d tokens, %d [UNK] in %.3f s: %.0f sentences/s",
                     sentences.count, tokens, unknown, seconds, Double(sentences.count) / seconds))
        XCTAssertGreaterThan(tokens, sentences.count * 3)
        XCTAssertLessThan(unknown, tokens / 1000, "the uncased vocabulary covers SST-2 almost fully")
    }
}
