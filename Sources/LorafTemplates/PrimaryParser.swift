/// Literals, names, parenthesised expressions, list and dictionary displays, and what follows them.
extension Parser {
    mutating func parsePrimary() throws -> Expression {
        let token = current
        let location = token.location
        switch token.kind {
        case let .name(name):
            _ = next()
            switch name {
            case "true", "True": return Expression(kind: .literal(.bool(true)), location: location)
            case "false", "False": return Expression(kind: .literal(.bool(false)), location: location)
            case "none", "None": return Expression(kind: .literal(.none), location: location)
            default: return Expression(kind: .name(name), location: location)
            }
        case .string:
            var text = ""
            while case let .string(part) = current.kind {
                text += part
                _ = next()
            }
            return Expression(kind: .literal(.string(text)), location: location)
        case let .integer(value):
            _ = next()
            return Expression(kind: .literal(.int(value)), location: location)
        case let .float(value):
            _ = next()
            return Expression(kind: .literal(.double(value)), location: location)
        case .op("("):
            _ = next()
            if accept(op: ")") { return Expression(kind: .tuple([]), location: location) }
            let inner = try parseTuple()
            if case .tuple = inner.kind, !isOp(")") { throw unexpected("expected ')'") }
            try expect(op: ")")
            return inner
        case .op("["):
            _ = next()
            let items = try parseSequence(closing: "]") { try $0.parseExpression() }
            return Expression(kind: .list(items), location: location)
        case .op("{"):
            _ = next()
            let pairs = try parseSequence(closing: "}") { parser -> (key: Expression, value: Expression) in
                let key = try parser.parseExpression()
                try parser.expect(op: ":")
                return (key, try parser.parseExpression())
            }
            return Expression(kind: .dictionary(pairs), location: location)
        default:
            throw unexpected("expected an expression")
        }
    }

    /// Comma-separated items up to `closing` (consumed); a trailing comma is allowed.
    private mutating func parseSequence<Item>(closing: String, item: (inout Parser) throws -> Item) throws -> [Item] {
        var items: [Item] = []
        while !accept(op: closing) {
            if !items.isEmpty {
                try expect(op: ",")
                if accept(op: closing) { break }
            }
            items.append(try item(&self))
        }
        return items
    }

    mutating func parsePostfix(_ base: Expression) throws -> Expression {
        var node = base
        while true {
            let location = current.location
            if accept(op: ".") {
                switch next().kind {
                case let .name(name):
                    node = Expression(kind: .attribute(node, name), location: location)
                case let .integer(value):
                    node = Expression(kind: .item(node, Expression(kind: .literal(.int(value)), location: location)),
                                      location: location)
                default:
                    throw TemplateError.syntax(message: "expected an attribute name after '.'", at: location)
                }
            } else if accept(op: "[") {
                node = try parseSubscript(node, at: location)
            } else if isOp("(") {
                node = Expression(kind: .call(node, try parseArguments()), location: location)
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ base: Expression, at location: SourceLocation) throws -> Expression {
        var start: Expression?
        if !isOp(":") {
            start = try parseExpression()
            if accept(op: "]") { return Expression(kind: .item(base, start!), location: location) }
        }
        try expect(op: ":")
        let stop = isOp("]") || isOp(":") ? nil : try parseExpression()
        var step: Expression?
        if accept(op: ":"), !isOp("]") { step = try parseExpression() }
        try expect(op: "]")
        return Expression(kind: .slice(base, start: start, stop: stop, step: step), location: location)
    }

    /// `(a, b, name=c)`; the `(` is the current token.
    mutating func parseArguments() throws -> Arguments {
        try expect(op: "(")
        var arguments = Arguments()
        var first = true
        while !accept(op: ")") {
            if !first {
                try expect(op: ",")
                if accept(op: ")") { break }
            }
            first = false
            if isOp("*") || isOp("**") {
                throw TemplateError.syntax(message: "unsupported '*' or '**' argument", at: current.location)
            }
            if case let .name(name) = current.kind, tokenKind(at: index + 1) == .op("=") {
                _ = next()
                _ = next()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                if !arguments.keyword.isEmpty {
                    throw unexpected("positional argument after keyword argument")
                }
                arguments.positional.append(try parseExpression())
            }
        }
        return arguments
    }

    mutating func parseFiltersAndTests(_ base: Expression) throws -> Expression {
        var node = base
        while true {
            let location = current.location
            if accept(op: "|") {
                let nameLocation = current.location
                let name = try expectName()
                guard Filters.names.contains(name) else {
                    throw TemplateError.syntax(message: "unknown filter '\(name)'", at: nameLocation)
                }
                let arguments = isOp("(") ? try parseArguments() : Arguments()
                node = Expression(kind: .filter(node, name: name, arguments), location: location)
            } else if accept(name: "is") {
                let negated = accept(name: "not")
                let nameLocation = current.location
                let name = try testName()
                guard BuiltinTests.names.contains(name) else {
                    throw TemplateError.syntax(message: "unknown test '\(name)'", at: nameLocation)
                }
                var arguments = Arguments()
                if isOp("(") {
                    arguments = try parseArguments()
                } else if startsBareTestArgument {
                    arguments.positional = [try parsePostfix(try parsePrimary())]
                }
                node = Expression(kind: .test(node, name: name, negated: negated, arguments), location: location)
            } else if isOp("(") {
                node = Expression(kind: .call(node, try parseArguments()), location: location)
            } else {
                return node
            }
        }
    }

    /// A test's name: a name, or `none`/`true`/`false` spelled in either case.
    private mutating func testName() throws -> String {
        let name = try expectName()
        return ["None", "True", "False"].contains(name) ? name.lowercased() : name
    }

    /// Jinja2 accepts one argument without parentheses (`x is divisibleby 3`, `x is sameas none`).
    private var startsBareTestArgument: Bool {
        switch current.kind {
        case let .name(name): return !["else", "or", "and", "if", "in", "not", "is"].contains(name)
        case .string, .integer, .float, .op("["), .op("{"): return true
        default: return false
        }
    }
}
