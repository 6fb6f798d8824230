import XCTest
import LorafTestSupport
import Foundation
@testable import LorafModels

/// A config.json asking for a model larger than memory is an error naming the size, before anything is allocated
/// (issue 14 item 9).
final class ConfigSizeTests: XCTestCase {
    private func loadConfig(_ edit: (inout [String: Any]) -> Void) throws -> BertConfig {
        let source = try miniLMDirectory().appendingPathComponent("config.json")
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
        edit(&json)
        let url = try makeScratchFolder("loraf-config").appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return try BertConfig(ConfigReader.json(contentsOf: url))
    }

    func testHugeSizesAreRefusedWithTheSize() throws {
        XCTAssertNoThrow(try loadConfig { _ in })
        // Each size within its own limit, together more than any machine's memory.
        let large: [String: Int] = ["hidden_size": 1 << 23, "intermediate_size": 1 << 24, "vocab_size": 1 << 24, "num_attention_heads": 1]
        XCTAssertThrowsError(try loadConfig { json in for (key, value) in large { json[key] = value } }) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("config.json") && text.contains("more than this machine's memory") && text.contains("PiB"), text)
        }
        for (field, value) in [("intermediate_size", 1 << 40), ("num_hidden_layers", 1 << 40), ("vocab_size", 1 << 40),
                               ("hidden_size", 1 << 40), ("num_hidden_layers", Int.max)] {
            XCTAssertThrowsError(try loadConfig { $0[field] = value }, field) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("config.json") && text.contains(field), text)
            }
        }
    }
}
