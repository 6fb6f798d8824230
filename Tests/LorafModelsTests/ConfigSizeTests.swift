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
        return try BertConfig.load(url)
    }

    func testHugeSizesAreRefusedWithTheSize() throws {
        XCTAssertNoThrow(try loadConfig { _ in })
        for (field, value) in [("intermediate_size", 1 << 40), ("num_hidden_layers", 1 << 40), ("vocab_size", 1 << 40),
                               ("hidden_size", 1 << 40), ("num_hidden_layers", Int.max)] {
            XCTAssertThrowsError(try loadConfig { $0[field] = value }, field) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("config.json") && (text.contains("memory") || text.contains("more elements than an Int")), text)
            }
        }
    }
}
