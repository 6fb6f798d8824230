import LorafTemplates
import LorafTensor
import LorafTestSupport
import XCTest

/// Mutated published templates (deleted spans, inserted delimiters and keywords, duplicated slices) either
/// render or throw a `TemplateError`: never a crash, a hang or another error type.
final class TemplateFuzzTests: XCTestCase {
    private static let fragments = ["{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "(", ")", "[", "]", "{", "}",
                                    "'", "\"", "\\", "-", "|", ".", ",", ":", "=", "~", " if ", " endif ", " for ",
                                    " in ", " else ", " not ", " is ", "\n", " ", "9", "[::-1]", "**"]

    private func mutate(_ source: [Unicode.Scalar], using generator: inout RandomGenerator) -> String {
        var scalars = source
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = Int.random(in: 0...scalars.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                let end = min(scalars.count, position + Int.random(in: 1...6, using: &generator))
                scalars.removeSubrange(position..<end)
            case 1:
                let fragment = Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &generator)]
                scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
            default:
                let end = min(scalars.count, position + Int.random(in: 1...40, using: &generator))
                scalars.insert(contentsOf: scalars[position..<end], at: position)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    func testMutatedTemplatesRenderOrThrowTemplateErrors() throws {
        let folder = fixturesDirectory.appendingPathComponent("chat_templates/templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jinja") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        let context: [String: TemplateValue] = [
            "messages": [["role": "system", "content": "S"], ["role": "user", "content": "U"],
                         ["role": "assistant", "content": "A"], ["role": "user", "content": "V"]],
            "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>", "tools": nil,
        ]
        var generator = RandomGenerator(seed: 20261203)
        var rendered = 0, rejected = 0
        for file in files {
            let source = Array(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).unicodeScalars)
            for _ in 0..<150 {
                let mutated = mutate(source, using: &generator)
                do {
                    _ = try Template(source: mutated).render(context)
                    rendered += 1
                } catch is TemplateError {
                    rejected += 1
                } catch {
                    XCTFail("\(file): \(error) is not a TemplateError for\n\(mutated)")
                }
            }
        }
        XCTAssertGreaterThan(rendered, 0)
        XCTAssertGreaterThan(rejected, 0)
    }
}
