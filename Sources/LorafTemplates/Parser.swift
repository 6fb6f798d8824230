/// Builds the statements of a template from its tokens (recursive descent, Jinja2's grammar and precedence).
/// Tags loraf does not implement (`include`, `extends`, `call`, `filter`, ...) are syntax errors naming the
/// tag and where it is; nesting deeper than `maximumDepth` is an error rather than a stack overflow.
struct Parser {
    static let maximumDepth = 128

    private let tokens: [Token]
    var index = 0
    var depth = 0

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    static func parse(_ source: String) throws -> [Statement] {
        var parser = Parser(tokens: try Lexer.tokenize(source))
        let (body, _) = try parser.parseBody(closing: [], opener: nil)
        return body
    }

    // MARK: token access

    var current: Token { tokens[index] }

    func tokenKind(at position: Int) -> Token.Kind? {
        position < tokens.count ? tokens[position].kind : nil
    }

    mutating func next() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    func isName(_ name: String) -> Bool { current.kind == .name(name) }

    mutating func accept(op: String) -> Bool {
        guard isOp(op) else { return false }
        _ = next()
        return true
    }

    mutating func accept(name: String) -> Bool {
        guard isName(name) else { return false }
        _ = next()
        return true
    }

    mutating func expect(op: String) throws {
        guard accept(op: op) else { throw unexpected("expected '\(op)'") }
    }

    mutating func expectName() throws -> String {
        guard case let .name(name) = current.kind else { throw unexpected("expected a name") }
        _ = next()
        return name
    }

    mutating func expectBlockEnd(_ tag: String) throws {
        guard current.kind == .blockEnd else { throw unexpected("expected '%}' to close '\(tag)'") }
        _ = next()
    }

    func unexpected(_ expectation: String) -> TemplateError {
        .syntax(message: "\(expectation), found \(Self.describe(current.kind))", at: current.location)
    }

    static func describe(_ kind: Token.Kind) -> String {
        switch kind {
        case let .text(text): return "text '\(text.prefix(20))'"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case let .name(name): return "'\(name)'"
        case let .string(string): return "string '\(string.prefix(20))'"
        case let .integer(value): return "number \(value)"
        case let .float(value): return "number \(value)"
        case let .op(op): return "'\(op)'"
        case .end: return "end of template"
        }
    }

    mutating func enterNesting(at location: SourceLocation) throws {
        depth += 1
        if depth > Self.maximumDepth {
            throw TemplateError.syntax(message: "nesting deeper than \(Self.maximumDepth) levels", at: location)
        }
    }

    // MARK: bodies

    /// Statements up to one of the `closing` tag names (consumed, returned) or the end of the template.
    mutating func parseBody(closing: Set<String>, opener: (tag: String, location: SourceLocation)?)
        throws -> ([Statement], String?) {
        var body: [Statement] = []
        while true {
            let token = next()
            switch token.kind {
            case let .text(text):
                body.append(.text(text))
            case .variableBegin:
                body.append(.output(try parseTuple()))
                guard current.kind == .variableEnd else { throw unexpected("expected '}}'") }
                _ = next()
            case .blockBegin:
                if case let .name(name) = current.kind, closing.contains(name) {
                    _ = next()
                    return (body, name)
                }
                body.append(try parseStatement())
            case .end:
                if let opener {
                    let expected = closing.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw TemplateError.syntax(message: "unclosed '\(opener.tag)' block: expected \(expected)",
                                               at: opener.location)
                }
                return (body, nil)
            default:
                throw TemplateError.syntax(message: "unexpected \(Self.describe(token.kind))", at: token.location)
            }
        }
    }
}
