import Foundation
import XCTest
import LorafTestSupport
import LorafTensor
@testable import LorafTokenizers

/// Seeded random strings from many scripts (letters, marks, digits, punctuation, symbols, white
/// space, emoji, private use, noncharacters, unassigned scalars) survive encode then decode, for
/// byte-level BPE and SentencePiece; encoding from several threads gives the serial result.
final class TokenizerRoundTripTests: XCTestCase {
    /// Scalar ranges to draw from; U+2581 (`▁`) and `<` are left out because SentencePiece
    /// reads `▁` as a space and `<s>`-like text as a control token, by design.
    private static let ranges: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x3B, 0x3D...0x7E, 0xA0...0x17F, 0x300...0x36F, 0x391...0x3C9, 0x400...0x44F,
        0x5D0...0x5EA, 0x600...0x6FF, 0x900...0x97F, 0xE00...0xE5B, 0x1100...0x11FF, 0x2000...0x206F,
        0x3000...0x30FF, 0x4E00...0x4FFF, 0xAC00...0xACFF, 0xE000...0xE0FF, 0xFDD0...0xFDEF, 0xFFF0...0xFFFF,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x2FFF0...0x2FFFF, 0xE0000...0xE007F, 0x10FFF0...0x10FFFF,
    ]

    private func randomTexts(count: Int) -> [String] {
        var random = RandomGenerator(seed: 2026)
        return (0..<count).map { _ in
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                let range = Self.ranges[Int.random(in: 0..<Self.ranges.count, using: &random)]
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &random)) { text.append(scalar) }
            }
            return String(text)
        }
    }

    private func assertRoundTrips(_ tokenizer: any Tokenizer, name: String) throws {
        var failures: [String] = []
        for text in randomTexts(count: 600) {
            let ids = try tokenizer.encodeIds(text, addSpecialTokens: true)
            let decoded = try tokenizer.decode(ids, skipSpecialTokens: true)
            if decoded != text { failures.append("\(text.debugDescription) -> \(decoded.debugDescription)") }
        }
        XCTAssert(failures.isEmpty, "\(name): \(failures.count) texts differ; first:\n" + failures.prefix(3).joined(separator: "\n"))
    }

    func testByteLevelBPERoundTrips() throws {
        try assertRoundTrips(SmolLM2Fixtures.tokenizer(), name: "SmolLM2 BPE")
    }

    func testSentencePieceRoundTrips() throws {
        try assertRoundTrips(SentencePieceTests.loadFixtureTokenizer(), name: "SentencePiece")
    }

    func testConcurrentEncodingMatchesSerial() throws {
        let tokenizer = try SmolLM2Fixtures.tokenizer()
        let texts = randomTexts(count: 64)
        let serial = try texts.map { try tokenizer.encodeIds($0, addSpecialTokens: false) }
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { index in
            results.set(index, (try? tokenizer.encodeIds(texts[index], addSpecialTokens: false)) ?? [])
        }
        XCTAssertEqual(results.values, serial)
    }
}

/// Results written from several threads.
private final class ResultBox: @unchecked Sendable {
    private var storage: [[Int]]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Int]) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }
    var values: [[Int]] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
