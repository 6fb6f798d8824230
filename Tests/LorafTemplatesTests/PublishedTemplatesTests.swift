import LorafTemplates
import LorafTestSupport
import XCTest

/// Published chat templates render byte-identically to Python Jinja2 configured as transformers configures
/// it (Tests/Fixtures/chat_templates, written by scripts/render_chat_templates.py), and raise the same
/// messages.
final class PublishedTemplatesTests: XCTestCase {
    func testSmolLM2FixtureChatsRenderByteIdentically() throws {
        let fixture = try loadFixture("smollm2/tokenizer_parity.json")
        let chat = try ChatTemplate(source: try XCTUnwrap(fixture["chat_template_source"]?.stringValue))
        let chats = try XCTUnwrap(fixture["chat_templates"]).arrayValue
        XCTAssertEqual(chats.count, 2)
        for case_ in chats {
            let text = try chat.render(messages: try XCTUnwrap(case_["messages"]).arrayValue,
                                       addGenerationPrompt: case_["add_generation_prompt"] == .bool(true))
            XCTAssertEqual(text, try XCTUnwrap(case_["text"]?.stringValue))
        }
    }

    func testPublishedTemplatesMatchJinja2() throws {
        let fixture = try loadFixture("chat_templates/expected.json")
        let smolLM2 = try loadFixture("smollm2/tokenizer_parity.json")
        var checked = 0, raised = 0
        for entry in try XCTUnwrap(fixture["templates"]).arrayValue {
            let name = try XCTUnwrap(entry["name"]?.stringValue)
            let source: String
            if let file = entry["file"]?.stringValue {
                source = try String(contentsOf: fixturesDirectory.appendingPathComponent("chat_templates/templates/\(file)"),
                                    encoding: .utf8)
            } else {
                source = try XCTUnwrap(smolLM2["chat_template_source"]?.stringValue)
            }
            let chat = try ChatTemplate(source: source)
            let specialTokens = try XCTUnwrap(entry["special_tokens"]).dictionaryValue.pairs.reduce(into: [String: String]()) {
                $0[$1.key] = $1.value.stringValue
            }
            for case_ in try XCTUnwrap(entry["cases"]).arrayValue {
                let label = "\(name) \(case_["name"]?.stringValue ?? "?")"
                let extra = Dictionary(uniqueKeysWithValues: try XCTUnwrap(case_["extra"]).dictionaryValue.pairs.map { ($0.key, $0.value) })
                let render = {
                    try chat.render(messages: try XCTUnwrap(case_["messages"]).arrayValue,
                                    addGenerationPrompt: case_["add_generation_prompt"] == .bool(true),
                                    specialTokens: specialTokens, extraContext: extra, now: pinnedNow)
                }
                if let expected = case_["text"]?.stringValue {
                    XCTAssertEqual(try render(), expected, label)
                } else {
                    let message = try XCTUnwrap(case_["error"]?.stringValue, label)
                    XCTAssertThrowsError(try render(), label) { error in
                        XCTAssertEqual(error as? TemplateError, .raised(message: message), label)
                    }
                    raised += 1
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 113)
        XCTAssertEqual(raised, 14)
    }

    /// Each construct of the subset against Jinja2's output for the same small template (features.json).
    func testLanguageFeaturesMatchJinja2() throws {
        let fixture = try loadFixture("chat_templates/features.json")
        let cases = try XCTUnwrap(fixture["cases"]).arrayValue
        XCTAssertGreaterThan(cases.count, 40)
        for case_ in cases {
            let name = try XCTUnwrap(case_["name"]?.stringValue)
            let template = try Template(source: try XCTUnwrap(case_["source"]?.stringValue))
            let context = Dictionary(uniqueKeysWithValues: try XCTUnwrap(case_["context"]).dictionaryValue.pairs.map { ($0.key, $0.value) })
            if let expected = case_["text"]?.stringValue {
                XCTAssertEqual(try template.render(context, now: pinnedNow), expected, name)
            } else {
                let message = try XCTUnwrap(case_["error"]?.stringValue, name)
                XCTAssertThrowsError(try template.render(context), name) { error in
                    XCTAssertEqual(error as? TemplateError, .raised(message: message), name)
                }
            }
        }
    }
}
