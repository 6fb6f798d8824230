import LorafTemplates
import XCTest

/// The Swift API: chat messages, special tokens, extra context, undefined values, JSON input.
final class ChatTemplateTests: XCTestCase {
    private let chatML = """
        {% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}
        {%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """

    func testChatMessagesAndGenerationPrompt() throws {
        let chat = try ChatTemplate(source: chatML)
        let messages = [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hi")]
        XCTAssertEqual(try chat.render(messages: messages, addGenerationPrompt: true),
                       "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(try chat.render(messages: messages, addGenerationPrompt: false),
                       "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
    }

    func testSpecialTokensExtraContextAndToolsDefaultToNone() throws {
        let chat = try ChatTemplate(source: "{{ bos_token }}|{{ unk_token is defined }}|{{ tools is none }}|{{ enable_thinking }}|{{ eos_token }}")
        let text = try chat.render(messages: [ChatMessage](), addGenerationPrompt: false,
                                   specialTokens: ["bos_token": "<s>", "eos_token": "</s>"],
                                   extraContext: ["enable_thinking": false])
        XCTAssertEqual(text, "<s>|False|True|False|</s>")
    }

    func testMessageFieldsKeepTheirOrder() throws {
        let call: TemplateValue = ["name": "get_weather", "arguments": ["city": "Paris", "days": 3]]
        let message = ChatMessage(role: "assistant", content: nil, fields: ["tool_calls": [call]])
        let chat = try ChatTemplate(source: "{{ messages[0] | tojson }}")
        XCTAssertEqual(try chat.render(messages: [message], addGenerationPrompt: false),
                       #"{"role": "assistant", "content": null, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}]}"#)
    }

    func testUndefinedValuesBehaveAsJinja2Default() throws {
        let template = try Template(source: "[{{ missing }}][{{ m.nothing }}][{{ xs[9] }}]{% if missing %}no{% endif %}{% for x in missing %}no{% endfor %}{{ missing is defined }}{{ missing | default('d') }}{{ missing == missing }}")
        XCTAssertEqual(try template.render(["m": ["a": 1], "xs": [1]]), "[][][]FalsedTrue")
    }

    func testGenerationBlockRendersItsBody() throws {
        let template = try Template(source: "{% for m in ms %}{% generation %}<{{ m }}>{% endgeneration %}{% endfor %}")
        XCTAssertEqual(try template.render(["ms": ["a", "b"]]), "<a><b>")
    }

    func testStrftimeNowFormatsTheGivenMoment() throws {
        let template = try Template(source: "{{ strftime_now('%d %b %Y') }}")
        XCTAssertEqual(try template.render([:], now: pinnedNow), "26 Jul 2024")
    }

    func testJSONKeepsKeyOrderAndNumberKinds() throws {
        let value = try TemplateValue(json: #" {"b": [1, 2.5, -3e2, true, null], "a": "\u00e9\ud83d\ude00\n"} "#)
        XCTAssertEqual(value, ["b": [1, 2.5, -300.0, true, nil], "a": "é😀\n"])
        guard case let .dictionary(dictionary) = value else { return XCTFail("not a dictionary") }
        XCTAssertEqual(dictionary.keys, ["b", "a"])
    }

    func testJSONErrorsSayWhere() {
        XCTAssertThrowsError(try TemplateValue(json: "{\n  \"a\": [1, 2,\n}")) { error in
            XCTAssertEqual((error as? TemplateJSONError)?.description, "JSON error at 3:1: unexpected character")
        }
        XCTAssertThrowsError(try TemplateValue(json: "[1] x")) { error in
            XCTAssertEqual((error as? TemplateJSONError)?.description, "JSON error at 1:5: unexpected text after the JSON value")
        }
        XCTAssertThrowsError(try TemplateValue(json: String(repeating: "[", count: 10_000)))
    }
}
