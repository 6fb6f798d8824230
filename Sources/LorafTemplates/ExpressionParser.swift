/// Expressions, loosest binding first, as Jinja2 parses them: conditional `a if c else b`, `or`, `and`,
/// `not`, comparisons (`== != < <= > >= in`, `not in`, chained as in Python), `+ -`, `~`, `* / // %`, `**`,
/// unary `- +`, then a primary with its postfixes (`.name`, `[index]`, `[a:b:c]`, `(args)`) and filters
/// (`| name(args)`) and tests (`is [not] name(args)`), which bind tighter than every operator.
extension Parser {
    /// An expression, or several separated by commas (a tuple, as in `{% set a = 1, 2 %}`).
    mutating func parseTuple(conditional: Bool = true) throws -> Expression {
        let location = current.location
        let first = conditional ? try parseExpression() : try parseOr()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(op: ",") {
            if current.kind == .blockEnd || current.kind == .variableEnd || isOp(")") { break }
            items.append(conditional ? try parseExpression() : try parseOr())
        }
        return Expression(kind: .tuple(items), location: location)
    }

    mutating func parseExpression() throws -> Expression {
        try enterNesting(at: current.location)
        defer { depth -= 1 }
        var node = try parseOr()
        while isName("if") {
            let location = current.location
            _ = next()
            let condition = try parseOr()
            let otherwise = accept(name: "else") ? try parseExpression() : nil
            node = Expression(kind: .conditional(condition: condition, then: node, otherwise: otherwise), location: location)
        }
        return node
    }

    private mutating func parseBinary(_ words: [String], operand: (inout Parser) throws -> Expression,
                                      isWord: Bool) throws -> Expression {
        var node = try operand(&self)
        while let op = words.first(where: { isWord ? isName($0) : isOp($0) }) {
            let location = current.location
            _ = next()
            node = Expression(kind: .binary(op, node, try operand(&self)), location: location)
        }
        return node
    }

    mutating func parseOr() throws -> Expression {
        try parseBinary(["or"], operand: { try $0.parseAnd() }, isWord: true)
    }

    private mutating func parseAnd() throws -> Expression {
        try parseBinary(["and"], operand: { try $0.parseNot() }, isWord: true)
    }

    private mutating func parseNot() throws -> Expression {
        guard isName("not") else { return try parseCompare() }
        let location = next().location
        try enterNesting(at: location)
        defer { depth -= 1 }
        return Expression(kind: .unary("not", try parseNot()), location: location)
    }

    private mutating func comparisonOperator() -> String? {
        for op in ["==", "!=", "<", "<=", ">", ">="] where isOp(op) { return op }
        if isName("in") { return "in" }
        if isName("not"), tokenKind(at: index + 1) == .name("in") { return "not in" }
        return nil
    }

    private mutating func parseCompare() throws -> Expression {
        let left = try parseMath1()
        var comparisons: [Expression] = []
        var previous = left
        while let op = comparisonOperator() {
            let location = next().location
            if op == "not in" { _ = next() }
            let right = try parseMath1()
            comparisons.append(Expression(kind: .binary(op, previous, right), location: location))
            previous = right
        }
        guard var node = comparisons.first else { return left }
        for comparison in comparisons.dropFirst() {
            node = Expression(kind: .binary("and", node, comparison), location: comparison.location)
        }
        return node
    }

    private mutating func parseMath1() throws -> Expression {
        try parseBinary(["+", "-"], operand: { try $0.parseConcat() }, isWord: false)
    }

    private mutating func parseConcat() throws -> Expression {
        try parseBinary(["~"], operand: { try $0.parseMath2() }, isWord: false)
    }

    private mutating func parseMath2() throws -> Expression {
        try parseBinary(["//", "*", "/", "%"], operand: { try $0.parsePower() }, isWord: false)
    }

    private mutating func parsePower() throws -> Expression {
        try parseBinary(["**"], operand: { try $0.parseUnary(withFilters: true) }, isWord: false)
    }

    private mutating func parseUnary(withFilters: Bool) throws -> Expression {
        let location = current.location
        try enterNesting(at: location)
        defer { depth -= 1 }
        var node: Expression
        if isOp("-") || isOp("+") {
            guard case let .op(op) = next().kind else { preconditionFailure("checked above") }
            node = Expression(kind: .unary(op, try parseUnary(withFilters: false)), location: location)
        } else {
            node = try parsePostfix(try parsePrimary())
        }
        return withFilters ? try parseFiltersAndTests(node) : node
    }
}
