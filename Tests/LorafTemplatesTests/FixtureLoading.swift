import Foundation
import LorafTemplates
import LorafTestSupport
import XCTest

/// Reads a fixture JSON file of Tests/Fixtures as a `TemplateValue` (key order kept, as Python wrote it).
func loadFixture(_ relativePath: String) throws -> TemplateValue {
    let url = fixturesDirectory.appendingPathComponent(relativePath)
    return try TemplateValue(json: String(decoding: try Data(contentsOf: url), as: UTF8.self))
}

extension TemplateValue {
    subscript(key: String) -> TemplateValue? {
        guard case let .dictionary(dictionary) = self else { return nil }
        return dictionary[key]
    }

    var stringValue: String? {
        guard case let .string(text) = self else { return nil }
        return text
    }

    var arrayValue: [TemplateValue] {
        guard case let .array(items) = self else { return [] }
        return items
    }

    var dictionaryValue: TemplateDictionary {
        guard case let .dictionary(dictionary) = self else { return [:] }
        return dictionary
    }
}

/// 2024-07-26 12:00:00 in the current time zone: the moment scripts/render_chat_templates.py pins
/// `strftime_now` to.
let pinnedNow: Date = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .current
    return calendar.date(from: DateComponents(year: 2024, month: 7, day: 26, hour: 12))!
}()

/// Asserts that `body` throws a `TemplateError` whose description is `expected`.
func XCTAssertTemplateError(_ expected: String, file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected the error \(expected)", file: file, line: line)
    } catch let error as TemplateError {
        XCTAssertEqual(error.description, expected, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}
