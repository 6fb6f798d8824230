/// One token of a template: literal text between tags, a tag delimiter, or a token inside a tag.
struct Token: Equatable {
    enum Kind: Equatable {
        case text(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case end
    }

    let kind: Kind
    let location: SourceLocation
}

/// Splits a template into tokens the way Jinja2's lexer does with the settings transformers uses for chat
/// templates (`trim_blocks=True`, `lstrip_blocks=True`, `keep_trailing_newline=False`):
/// - line endings become "\n" and one trailing newline of the source is dropped;
/// - `{%-`, `{{-`, `{#-` strip all whitespace before the tag, `-%}`, `-}}`, `-#}` all whitespace after it;
/// - trim_blocks: the first newline after a block or comment tag is removed (`+%}` keeps it);
/// - lstrip_blocks: spaces and tabs from the start of a line up to a block or comment tag are removed
///   (`{%+` keeps them); variable tags `{{ }}` are never stripped this way.
/// Comments are dropped. Errors: unclosed tags, comments and strings, and characters no token starts with.
struct Lexer {
    private let source: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    /// Whether the text about to be read starts a line (Jinja2's `line_starting`, for lstrip_blocks).
    private var lineStarting = true

    init(source: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var iterator = source.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if scalar == "\r" {
                scalars.append("\n")
                if pending == "\n" { pending = iterator.next() }
            } else {
                scalars.append(scalar)
            }
        }
        if scalars.last == "\n" { scalars.removeLast() }
        self.source = scalars
    }

    static func tokenize(_ source: String) throws -> [Token] {
        var lexer = Lexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    var location: SourceLocation { SourceLocation(line: line, column: column) }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position + offset
        return index < source.count ? source[index] : nil
    }

    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where position < source.count {
            if source[position] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            position += 1
        }
    }

    func matches(_ text: String, at offset: Int = 0) -> Bool {
        var index = position + offset
        for scalar in text.unicodeScalars {
            guard index < source.count, source[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    // MARK: text and tags

    private mutating func run() throws {
        while position < source.count {
            let textStart = location
            var text: [Unicode.Scalar] = []
            while position < source.count && !atTagStart { text.append(source[position]); advance() }
            guard position < source.count else {
                emitText(text, at: textStart)
                break
            }
            let opener = source[position + 1]
            let sign = peek(2)
            if sign == "-" {
                while let last = text.last, last.properties.isWhitespace { text.removeLast() }
            } else if sign != "+" && opener != "{" {
                lstripLineStart(&text)
            }
            emitText(text, at: textStart)
            switch opener {
            case "#": try readComment()
            case "{": try readTag(begin: .variableBegin, closer: "}")
            default: try readTag(begin: .blockBegin, closer: "%")
            }
        }
        tokens.append(Token(kind: .end, location: location))
    }

    private var atTagStart: Bool {
        guard peek() == "{", let next = peek(1) else { return false }
        return next == "{" || next == "%" || next == "#"
    }

    /// lstrip_blocks: drop the spaces and tabs between the last line start and the tag.
    private func lstripLineStart(_ text: inout [Unicode.Scalar]) {
        let lineStart = (text.lastIndex(of: "\n").map { $0 + 1 }) ?? 0
        guard lineStart > 0 || lineStarting else { return }
        if text[lineStart...].allSatisfy({ $0 == " " || $0 == "\t" }) {
            text.removeSubrange(lineStart...)
        }
    }

    private mutating func emitText(_ text: [Unicode.Scalar], at start: SourceLocation) {
        guard !text.isEmpty else { return }
        var string = String.UnicodeScalarView()
        string.append(contentsOf: text)
        tokens.append(Token(kind: .text(String(string)), location: start))
    }

    private mutating func readComment() throws {
        let start = location
        advance(2)
        if peek() == "-" || peek() == "+" { advance() }
        while position < source.count && !matches("#}") { advance() }
        guard position < source.count else {
            throw TemplateError.syntax(message: "unclosed comment: '{#' without '#}'", at: start)
        }
        let stripAfter = position > 0 && source[position - 1] == "-"
        advance(2)
        finishTag(stripAfter: stripAfter, keepNewline: false, isBlock: true)
    }

    /// After a tag: `-` strips the whitespace that follows; otherwise trim_blocks drops one newline after
    /// a block or comment tag.
    private mutating func finishTag(stripAfter: Bool, keepNewline: Bool, isBlock: Bool) {
        if stripAfter {
            var last: Unicode.Scalar?
            while let scalar = peek(), scalar.properties.isWhitespace { last = scalar; advance() }
            lineStarting = last == "\n"
        } else if isBlock && !keepNewline && peek() == "\n" {
            advance()
            lineStarting = true
        } else {
            lineStarting = false
        }
    }

    private mutating func readTag(begin: Token.Kind, closer: Unicode.Scalar) throws {
        let start = location
        tokens.append(Token(kind: begin, location: start))
        advance(2)
        if peek() == "-" || (closer == "%" && peek() == "+") { advance() }
        var open: [String] = []
        while true {
            while let scalar = peek(), scalar.properties.isWhitespace { advance() }
            guard let scalar = peek() else {
                let opener = closer == "%" ? "{%" : "{{"
                let closing = closer == "%" ? "%}" : "}}"
                throw TemplateError.syntax(message: "unclosed tag: '\(opener)' without '\(closing)'", at: start)
            }
            if open.isEmpty, let (length, strip, keep) = tagEnd(closer: closer) {
                tokens.append(Token(kind: closer == "%" ? .blockEnd : .variableEnd, location: location))
                advance(length)
                finishTag(stripAfter: strip, keepNewline: keep, isBlock: closer == "%")
                return
            }
            let token = try readToken(scalar)
            try balance(token, &open)
            tokens.append(token)
        }
    }

    /// Tracks brackets so that `}}` inside a dictionary display does not end the tag, and reports a closing
    /// bracket that does not match the last open one.
    private func balance(_ token: Token, _ open: inout [String]) throws {
        guard case let .op(op) = token.kind else { return }
        let pairs = ["(": ")", "[": "]", "{": "}"]
        if let closing = pairs[op] {
            open.append(closing)
        } else if pairs.values.contains(op) {
            guard open.last == op else {
                let expectation = open.last.map { "expected '\($0)'" } ?? "nothing is open"
                throw TemplateError.syntax(message: "unexpected '\(op)', \(expectation)", at: token.location)
            }
            open.removeLast()
        }
    }

    /// The closing delimiter at the current position: its length, whether it strips (`-`), keeps the newline (`+`).
    private func tagEnd(closer: Unicode.Scalar) -> (Int, Bool, Bool)? {
        let close = String(closer) + "}"
        if matches(close) { return (2, false, false) }
        if matches("-" + close) { return (3, true, false) }
        if closer == "%" && matches("+%}") { return (3, false, true) }
        return nil
    }
}
