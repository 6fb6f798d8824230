extension Lexer {
    /// A quoted string literal with Python's escapes (`\n \t \r \\ \' \" \xNN \uNNNN \UNNNNNNNN`, `\a \b \f
    /// \v \0`), as Jinja2 decodes them; an unknown escape keeps its backslash, as Python does.
    mutating func readString(quote: Unicode.Scalar, at start: SourceLocation) throws -> String {
        advance()
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw TemplateError.syntax(message: "unclosed string literal", at: start)
            }
            advance()
            if scalar == quote { return String(value) }
            guard scalar == "\\" else {
                value.append(scalar)
                continue
            }
            guard let escaped = peek() else {
                throw TemplateError.syntax(message: "unclosed string literal", at: start)
            }
            let escapeLocation = location
            advance()
            switch escaped {
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "r": value.append("\r")
            case "a": value.append(Unicode.Scalar(7))
            case "b": value.append(Unicode.Scalar(8))
            case "f": value.append(Unicode.Scalar(12))
            case "v": value.append(Unicode.Scalar(11))
            case "0": value.append(Unicode.Scalar(0))
            case "\\", "'", "\"": value.append(escaped)
            case "\n": break
            case "x": value.append(try readHexEscape(digits: 2, at: escapeLocation))
            case "u": value.append(try readHexEscape(digits: 4, at: escapeLocation))
            case "U": value.append(try readHexEscape(digits: 8, at: escapeLocation))
            default:
                value.append("\\")
                value.append(escaped)
            }
        }
    }

    private mutating func readHexEscape(digits: Int, at location: SourceLocation) throws -> Unicode.Scalar {
        var code: UInt32 = 0
        for _ in 0..<digits {
            guard let scalar = peek(), scalar.isASCII, let digit = UInt32(String(scalar), radix: 16) else {
                throw TemplateError.syntax(message: "truncated \\x, \\u or \\U escape in string literal", at: location)
            }
            code = code * 16 + digit
            advance()
        }
        guard let scalar = Unicode.Scalar(code) else {
            throw TemplateError.syntax(message: "escape \\U\(String(code, radix: 16)) is not a Unicode scalar", at: location)
        }
        return scalar
    }
}
