/// Tokens inside `{{ }}` and `{% %}`: names, numbers, string literals, operators.
extension Lexer {
    // MARK: tokens inside tags

    static let operators = ["//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "~", "<", ">",
                                    "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="]

    mutating func readToken(_ scalar: Unicode.Scalar) throws -> Token {
        let start = location
        if scalar == "_" || scalar.properties.isAlphabetic && scalar.isASCII {
            var name = ""
            while let next = peek(), next == "_" || (next.isASCII && (next.properties.isAlphabetic || ("0"..."9").contains(next))) {
                name.unicodeScalars.append(next)
                advance()
            }
            return Token(kind: .name(name), location: start)
        }
        if ("0"..."9").contains(scalar) {
            return try readNumber(at: start)
        }
        if scalar == "'" || scalar == "\"" {
            return Token(kind: .string(try readString(quote: scalar, at: start)), location: start)
        }
        for op in Self.operators where matches(op) {
            advance(op.unicodeScalars.count)
            return Token(kind: .op(op), location: start)
        }
        throw TemplateError.syntax(message: "unexpected character '\(scalar)'", at: start)
    }

    private mutating func readNumber(at start: SourceLocation) throws -> Token {
        var digits = ""
        var isFloat = false
        func takeDigits(_ lexer: inout Lexer) {
            while let next = lexer.peek(), ("0"..."9").contains(next) || next == "_" {
                if next != "_" { digits.unicodeScalars.append(next) }
                lexer.advance()
            }
        }
        takeDigits(&self)
        if peek() == ".", let after = peek(1), ("0"..."9").contains(after) {
            isFloat = true
            digits.append(".")
            advance()
            takeDigits(&self)
        }
        if let e = peek(), e == "e" || e == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let digit = peek(signed ? 2 : 1), ("0"..."9").contains(digit) {
                isFloat = true
                digits.append("e")
                if signed { digits.unicodeScalars.append(peek(1)!) }
                advance(signed ? 2 : 1)
                takeDigits(&self)
            }
        }
        if isFloat, let value = Double(digits) {
            return Token(kind: .float(value), location: start)
        }
        guard let value = Int(digits) else {
            throw TemplateError.syntax(message: "number literal '\(digits)' is out of range", at: start)
        }
        return Token(kind: .integer(value), location: start)
    }

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
