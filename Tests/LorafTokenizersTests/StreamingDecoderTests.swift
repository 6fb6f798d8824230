import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTokenizers

/// `StreamingDecoder`: ids in one at a time, complete UTF-8 out, the whole equal to `decode`.
final class StreamingDecoderTests: XCTestCase {
    func testCharactersSplitAcrossTokensComeOutWhole() throws {
        let tokenizer = try SmolLM2Fixtures.tokenizer()
        let text = "emoji 😀 and 日本語 fin"
        let ids = try tokenizer.encodeIds(text, addSpecialTokens: false)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        var pieces: [String] = []
        for id in ids { pieces.append(try stream.append(id)) }
        pieces.append(stream.finish())
        XCTAssertEqual(pieces.joined(), text)
        XCTAssertFalse(pieces.contains { $0.unicodeScalars.contains("\u{FFFD}") }, "\(pieces)")
        // 😀 is four byte tokens: the first three give nothing, the fourth the whole character.
        let emoji = try tokenizer.encodeIds("😀", addSpecialTokens: false)
        XCTAssertGreaterThan(emoji.count, 1)
        var single = StreamingDecoder(tokenizer: tokenizer)
        let outputs = try emoji.map { try single.append($0) }
        XCTAssertEqual(outputs.dropLast(), Array(repeating: "", count: emoji.count - 1))
        XCTAssertEqual(outputs.last, "😀")
    }

    func testEveryFixtureTextStreamsBackUnchanged() throws {
        let tokenizer = try SmolLM2Fixtures.tokenizer()
        for item in try SmolLM2Fixtures.parity().cases {
            var stream = StreamingDecoder(tokenizer: tokenizer, skipSpecialTokens: false)
            var output = ""
            for id in item.ids { output += try stream.append(id) }
            output += stream.finish()
            XCTAssertEqual(output, item.text)
        }
    }

    func testUnfinishedCharacterIsFlushedAsReplacement() throws {
        let tokenizer = try SmolLM2Fixtures.tokenizer()
        var stream = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(try stream.append(try XCTUnwrap(tokenizer.id(for: "ð"))), "")
        XCTAssertEqual(stream.finish(), "\u{FFFD}")
        XCTAssertThrowsError(try stream.append(-1))
        XCTAssertEqual(try stream.append(try XCTUnwrap(tokenizer.id(for: "Hello"))), "Hello")
    }

    func testCompleteLengthFollowsTheUTF8Table() {
        XCTAssertEqual(UTF8Completion.completeLength(of: [0x61, 0xF0, 0x9F], from: 0), 1)
        XCTAssertEqual(UTF8Completion.completeLength(of: [0xF0, 0x9F, 0x98, 0x80], from: 0), 4)
        XCTAssertEqual(UTF8Completion.completeLength(of: [0x80, 0x61], from: 0), 2, "stray continuation byte")
        XCTAssertEqual(UTF8Completion.completeLength(of: [0xE0, 0x80], from: 0), 2, "E0 needs A0-BF next")
        XCTAssertEqual(UTF8Completion.completeLength(of: [0xE0, 0xA0], from: 0), 0, "valid start, wait")
        XCTAssertEqual(UTF8Completion.completeLength(of: [0xC3, 0x61], from: 0), 2, "cut sequence then ASCII")
    }
}
