import LorafTemplates
import XCTest

/// Bad templates give an error naming what and where (line:column), never a crash or a hang.
final class TemplateErrorTests: XCTestCase {
    private func render(_ source: String, _ context: [String: TemplateValue] = [:]) throws {
        _ = try Template(source: source).render(context)
    }

    func testUnclosedTagsCommentsStringsAndBlocks() {
        XCTAssertTemplateError("template syntax error at 1:7: unclosed tag: '{{' without '}}'") {
            try render("Hello {{ name")
        }
        XCTAssertTemplateError("template syntax error at 2:3: unclosed tag: '{%' without '%}'") {
            try render("a\n  {% if x")
        }
        XCTAssertTemplateError("template syntax error at 2:1: unclosed comment: '{#' without '#}'") {
            try render("a\n{# note")
        }
        XCTAssertTemplateError("template syntax error at 1:4: unclosed string literal") {
            try render("{{ 'abc }}")
        }
        XCTAssertTemplateError("template syntax error at 1:4: unclosed 'if' block: expected 'elif' or 'else' or 'endif'") {
            try render("{% if x %}yes")
        }
        XCTAssertTemplateError("template syntax error at 2:4: unclosed 'for' block: expected 'else' or 'endfor'") {
            try render("x\n{% for m in ms %}{{ m }}")
        }
    }

    func testUnknownFiltersTestsAndTags() {
        XCTAssertTemplateError("template syntax error at 2:8: unknown filter 'frobnicate'") {
            try render("line 1\n{{ x | frobnicate }}")
        }
        XCTAssertTemplateError("template syntax error at 1:9: unknown test 'palindrome'") {
            try render("{{ x is palindrome }}")
        }
        XCTAssertTemplateError("template syntax error at 1:4: unsupported tag 'include'") {
            try render("{% include 'other.jinja' %}")
        }
        XCTAssertTemplateError("template syntax error at 1:4: unknown tag 'frob'") {
            try render("{% frob %}")
        }
        XCTAssertTemplateError("template syntax error at 1:4: unexpected 'endif' outside its block") {
            try render("{% endif %}")
        }
        XCTAssertTemplateError("template syntax error at 1:19: unsupported 'recursive' loop") {
            try render("{% for x in items recursive %}{% endfor %}")
        }
    }

    func testBadSyntaxNamesTheTokenAndPosition() {
        XCTAssertTemplateError("template syntax error at 1:8: expected an expression, found '}}'") {
            try render("{{ 1 + }}")
        }
        XCTAssertTemplateError("template syntax error at 3:6: unexpected character '?'") {
            try render("a\nb\n{{ a ? b }}")
        }
        XCTAssertTemplateError("template syntax error at 1:6: expected '}}', found 'b'") {
            try render("{{ a b }}")
        }
        XCTAssertTemplateError("template syntax error at 1:12: unexpected '}', expected ']'") {
            try render("{{ items[1 }}")
        }
        XCTAssertTemplateError("template syntax error at 1:13: expected 'in' in 'for', found 'of'") {
            try render("{% for item of items %}{% endfor %}")
        }
    }

    func testRunTimeErrorsNameTheProblemAndPosition() {
        XCTAssertTemplateError("template error at 1:7: 'foo' is undefined") { try render("{{ foo.bar }}") }
        XCTAssertTemplateError("template error at 1:4: 'x' is undefined") { try render("{{ x + 1 }}") }
        XCTAssertTemplateError("template error at 1:8: 'y' is undefined") { try render("{{ 1 < y }}") }
        XCTAssertTemplateError("template error at 1:19: 'dict object' has no attribute 'missing'") {
            try render("{{ message.missing.deeper }}", ["message": ["role": "user"]])
        }
        XCTAssertTemplateError("template error at 1:6: int(): 'u' is undefined") { try render("{{ u | int }}") }
        XCTAssertTemplateError("template error at 1:8: unsupported operand type(s) for +: 'str' and 'int'") {
            try render("{{ 'a' + 1 }}")
        }
        XCTAssertTemplateError("template error at 1:6: integer division or modulo by zero") { try render("{{ 1 // 0 }}") }
        XCTAssertTemplateError("template error at 1:17: 'break' outside a loop") { try render("{% if true %}{% break %}{% endif %}") }
        XCTAssertTemplateError("template error at 1:13: 'int' object is not iterable") { try render("{% for x in 3 %}{% endfor %}") }
        XCTAssertTemplateError("template raised: Conversation roles must alternate") {
            try render("{{ raise_exception('Conversation roles must alternate') }}")
        }
    }

    func testDeepNestingIsAnErrorNotAStackOverflow() {
        let parentheses = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        XCTAssertThrowsError(try render(parentheses)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "nesting deeper than 128 levels")
        }
        let blocks = String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000)
        XCTAssertThrowsError(try render(blocks)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "nesting deeper than 128 levels")
        }
        let nots = "{{ " + String(repeating: "not ", count: 5000) + "x }}"
        XCTAssertThrowsError(try render(nots))
    }

    func testSelfReferenceAndDeepValuesDoNotOverflowTheStack() throws {
        let cycle = try Template(source: "{% set ns = namespace(a=1) %}{% set ns.me = ns %}{{ ns }} {{ ns == ns }}")
        XCTAssertTrue(try cycle.render([:]).hasPrefix("<Namespace {'a': 1, 'me': <Namespace {'a': 1, 'me': <Namespace"))
        let deep = "{% set ns = namespace(x=0) %}{% for i in range(250) %}{% set ns.x = [ns.x] %}{% endfor %}"
        XCTAssertTrue(try Template(source: deep + "{{ ns.x }}").render([:]).contains("[[..."))
        XCTAssertEqual(try Template(source: deep + "{{ ns.x == ns.x }}").render([:]), "False")
        XCTAssertThrowsError(try Template(source: deep + "{{ ns.x | tojson }}").render([:])) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "tojson(): nesting deeper than 200 levels")
        }
        XCTAssertTemplateError("template error at 1:71: value for 'ns.x' nested deeper than 256 levels") {
            _ = try Template(source: "{% set ns = namespace(x=0) %}{% for i in range(99000) %}{% set ns.x = [ns.x] %}{% endfor %}")
                .render([:])
        }
        XCTAssertTemplateError("template error at 1:80: value for 'ns.x' nested deeper than 256 levels") {
            _ = try Template(source: "{% set ns = namespace(x=0) %}{% for i in range(99000) %}{% set ns.x = namespace(y=ns.x) %}{% endfor %}")
                .render([:])
        }
    }

    func testRunawayRecursionAndLoopsStop() {
        XCTAssertTemplateError("template error at 1:21: macro calls nested deeper than 64") {
            try render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        }
        XCTAssertTemplateError("template error at 1:32: more than 100000 loop iterations") {
            try render("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
        }
        XCTAssertTemplateError("template error at 1:9: range(): range too big (1000000000 items; the sandbox allows 100000)") {
            try render("{{ range(10 ** 9) | length }}")
        }
        XCTAssertTemplateError("template error at 1:6: integer overflow") { try render("{{ 2 ** 200 }}") }
        XCTAssertTemplateError("template error at 1:9: result longer than 33554432 bytes or items") {
            try render("{{ 'ab' * 20000000 }}")
        }
        XCTAssertTemplateError("template error at 1:85: result longer than 33554432 bytes or items") {
            try render("{% set ns = namespace(s='x' * 1000000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}")
        }
    }
}
