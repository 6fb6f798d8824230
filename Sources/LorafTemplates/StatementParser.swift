extension Parser {
    private static let unsupportedTags: Set<String> = [
        "include", "import", "from", "extends", "block", "call", "filter", "with", "raw", "autoescape", "do",
        "trans", "pluralize",
    ]

    /// The statement of a `{% ... %}` tag; the `{%` is consumed.
    mutating func parseStatement() throws -> Statement {
        let location = current.location
        try enterNesting(at: location)
        defer { depth -= 1 }
        let tag = try expectName()
        switch tag {
        case "if": return try parseIf(at: location)
        case "for": return try parseFor(at: location)
        case "set": return try parseSet(at: location)
        case "macro": return try parseMacro(at: location)
        case "break", "continue":
            try expectBlockEnd(tag)
            return .loopControl(isBreak: tag == "break", location: location)
        case "generation":
            try expectBlockEnd(tag)
            let (body, _) = try parseBody(closing: ["endgeneration"], opener: (tag, location))
            try expectBlockEnd("endgeneration")
            return .generation(body)
        default:
            if Self.unsupportedTags.contains(tag) {
                throw TemplateError.syntax(message: "unsupported tag '\(tag)'", at: location)
            }
            if tag.hasPrefix("end") || tag == "elif" || tag == "else" {
                throw TemplateError.syntax(message: "unexpected '\(tag)' outside its block", at: location)
            }
            throw TemplateError.syntax(message: "unknown tag '\(tag)'", at: location)
        }
    }

    private mutating func parseIf(at location: SourceLocation) throws -> Statement {
        var branches: [(condition: Expression, body: [Statement])] = []
        var condition = try parseTuple()
        while true {
            try expectBlockEnd("if")
            let (body, closer) = try parseBody(closing: ["elif", "else", "endif"], opener: ("if", location))
            branches.append((condition, body))
            switch closer {
            case "elif":
                condition = try parseTuple()
            case "else":
                try expectBlockEnd("else")
                let (otherwise, _) = try parseBody(closing: ["endif"], opener: ("if", location))
                try expectBlockEnd("endif")
                return .ifChain(branches: branches, otherwise: otherwise)
            default:
                try expectBlockEnd("endif")
                return .ifChain(branches: branches, otherwise: [])
            }
        }
    }

    private mutating func parseFor(at location: SourceLocation) throws -> Statement {
        var targets = [try expectName()]
        while accept(op: ",") {
            targets.append(try expectName())
        }
        guard accept(name: "in") else { throw unexpected("expected 'in' in 'for'") }
        let iterable = try parseTuple(conditional: false)
        let filter = accept(name: "if") ? try parseExpression() : nil
        if isName("recursive") {
            throw TemplateError.syntax(message: "unsupported 'recursive' loop", at: current.location)
        }
        try expectBlockEnd("for")
        let (body, closer) = try parseBody(closing: ["else", "endfor"], opener: ("for", location))
        var otherwise: [Statement] = []
        if closer == "else" {
            try expectBlockEnd("else")
            (otherwise, _) = try parseBody(closing: ["endfor"], opener: ("for", location))
        }
        try expectBlockEnd("endfor")
        return .forLoop(ForLoop(targets: targets, iterable: iterable, filter: filter, body: body,
                                otherwise: otherwise, location: location))
    }

    private mutating func parseSet(at location: SourceLocation) throws -> Statement {
        let first = try expectName()
        var target = SetTarget.name(first)
        if accept(op: ".") {
            target = .attribute(object: first, attribute: try expectName())
        } else if isOp(",") {
            var names = [first]
            while accept(op: ",") { names.append(try expectName()) }
            target = .names(names)
        }
        if accept(op: "=") {
            let value = try parseTuple()
            try expectBlockEnd("set")
            return .set(target, value)
        }
        guard case .name = target, current.kind == .blockEnd else { throw unexpected("expected '=' in 'set'") }
        _ = next()
        let (body, _) = try parseBody(closing: ["endset"], opener: ("set", location))
        try expectBlockEnd("endset")
        return .setBlock(name: first, body: body)
    }

    private mutating func parseMacro(at location: SourceLocation) throws -> Statement {
        let name = try expectName()
        try expect(op: "(")
        var parameters: [(name: String, defaultValue: Expression?)] = []
        while !accept(op: ")") {
            if !parameters.isEmpty { try expect(op: ",") }
            if accept(op: ")") { break }
            let parameter = try expectName()
            parameters.append((parameter, accept(op: "=") ? try parseExpression() : nil))
        }
        try expectBlockEnd("macro")
        let (body, _) = try parseBody(closing: ["endmacro"], opener: ("macro", location))
        try expectBlockEnd("endmacro")
        return .macro(MacroDefinition(name: name, parameters: parameters, body: body, location: location))
    }
}
