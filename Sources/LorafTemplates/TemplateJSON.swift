/// Errors from `TemplateValue(json:)`: what is wrong and the 1-based line and column.
public struct TemplateJSONError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public let location: SourceLocation

    public var description: String { "JSON error at \(location): \(message)" }
}

extension TemplateValue {
    /// Parses JSON text (RFC 8259) keeping object key order, as Python's `json.loads` does; integers without
    /// a fraction or exponent become `.int`, other numbers `.double`. Nesting is limited to 512 levels.
    /// - Throws: `TemplateJSONError` with the line and column of the first problem.
    public init(json text: String) throws {
        var parser = JSONParser(scalars: Array(text.unicodeScalars))
        parser.skipWhitespace()
        self = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < parser.scalars.count { throw parser.error("unexpected text after the JSON value") }
    }
}

private struct JSONParser {
    let scalars: [Unicode.Scalar]
    var position = 0

    func error(_ message: String) -> TemplateJSONError {
        var line = 1, column = 1
        for scalar in scalars[..<min(position, scalars.count)] {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return TemplateJSONError(message: message, location: SourceLocation(line: line, column: column))
    }

    mutating func skipWhitespace() {
        while position < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[position]) { position += 1 }
    }

    private mutating func consume(_ word: String) -> Bool {
        let word = Array(word.unicodeScalars)
        guard scalars[position...].starts(with: word) else { return false }
        position += word.count
        return true
    }

    mutating func parseValue(depth: Int) throws -> TemplateValue {
        guard depth < 512 else { throw error("nesting deeper than 512 levels") }
        guard position < scalars.count else { throw error("unexpected end of JSON") }
        switch scalars[position] {
        case "{": return .dictionary(try parseObject(depth: depth))
        case "[": return .array(try parseArray(depth: depth))
        case "\"": return .string(try parseString())
        default:
            if consume("true") { return .bool(true) }
            if consume("false") { return .bool(false) }
            if consume("null") { return .none }
            return try parseNumber()
        }
    }

    private mutating func parseObject(depth: Int) throws -> TemplateDictionary {
        position += 1
        var dictionary = TemplateDictionary()
        skipWhitespace()
        if consume("}") { return dictionary }
        while true {
            skipWhitespace()
            guard position < scalars.count, scalars[position] == "\"" else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard consume(":") else { throw error("expected ':'") }
            skipWhitespace()
            dictionary[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            if consume("}") { return dictionary }
            guard consume(",") else { throw error("expected ',' or '}'") }
        }
    }

    private mutating func parseArray(depth: Int) throws -> [TemplateValue] {
        position += 1
        var items: [TemplateValue] = []
        skipWhitespace()
        if consume("]") { return items }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if consume("]") { return items }
            guard consume(",") else { throw error("expected ',' or ']'") }
        }
    }

    private mutating func parseNumber() throws -> TemplateValue {
        let start = position
        let allowed: Set<Unicode.Scalar> = ["-", "+", ".", "e", "E", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
        while position < scalars.count, allowed.contains(scalars[position]) { position += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        if let number = Int(text) { return .int(number) }
        if let number = Double(text), !text.isEmpty { return .double(number) }
        position = start
        throw error(text.isEmpty ? "unexpected character" : "bad number '\(text)'")
    }

    private mutating func parseString() throws -> String {
        position += 1
        var result = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if scalar == "\"" { return String(result) }
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard position < scalars.count else { break }
            let escaped = scalars[position]
            position += 1
            switch escaped {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "/", "\\", "\"": result.append(escaped)
            case "u": result.append(try parseUnicodeEscape())
            default: throw error("bad escape '\\\(escaped)'")
            }
        }
        throw error("unclosed string")
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= scalars.count,
              let value = UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16) else {
            throw error("bad \\u escape")
        }
        position += 4
        return value
    }

    private mutating func parseUnicodeEscape() throws -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xD800..<0xDC00).contains(high), consume("\\u") {
            let low = try parseHex4()
            if (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                return scalar
            }
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }
}
