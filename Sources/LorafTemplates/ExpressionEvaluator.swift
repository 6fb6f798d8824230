extension Renderer {
    func evaluate(_ expression: Expression) throws -> Value {
        let location = expression.location
        switch expression.kind {
        case let .literal(value):
            return Value(value)
        case let .name(name):
            return lookup(name)
        case let .list(items), let .tuple(items):
            return .array(try items.map(evaluate))
        case let .dictionary(pairs):
            var dictionary = OrderedDictionary<Value>()
            for pair in pairs {
                guard case let .string(key) = try evaluate(pair.key) else {
                    throw TemplateError.render(message: "dictionary keys must be strings", at: pair.key.location)
                }
                dictionary[key] = try evaluate(pair.value)
            }
            return .dictionary(dictionary)
        case let .attribute(base, name):
            return try Lookup.attribute(try defined(evaluate(base), at: location), name)
        case let .item(base, key):
            return try Lookup.item(try defined(evaluate(base), at: location), try evaluate(key))
        case let .slice(base, start, stop, step):
            let bounds = try [start, stop, step].map { try $0.map(evaluate) }
            return try guarded(at: location) { try Lookup.slice(try defined(evaluate(base), at: location), bounds) }
        case let .call(callee, arguments):
            return try call(try evaluate(callee), arguments, at: location)
        case let .filter(base, name, arguments):
            let invocation = try invocation(name, arguments, at: location)
            return try guarded(at: location) { try Filters.apply(name, to: try evaluate(base), invocation, renderer: self) }
        case let .test(base, name, negated, arguments):
            let invocation = try invocation(name, arguments, at: location)
            let result = try guarded(at: location) { try BuiltinTests.apply(name, to: try evaluate(base), invocation) }
            return .bool(result != negated)
        case let .unary(op, operand):
            return try unary(op, try evaluate(operand), at: location)
        case let .binary(op, lhs, rhs):
            return try binary(op, lhs, rhs, at: location)
        case let .conditional(condition, then, otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try otherwise.map(evaluate) ?? .undefined(hint: "the inline if-expression evaluated to false and no else section was defined")
        }
    }

    /// Jinja2 raises when an undefined value is used as an object (attribute, item, call, arithmetic).
    func defined(_ value: Value, at location: SourceLocation) throws -> Value {
        if case let .undefined(hint) = value {
            throw TemplateError.render(message: hint, at: location)
        }
        return value
    }

    /// Runs `body`, turning operator failures into render errors at `location`.
    func guarded<T>(at location: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let Operators.Failure.message(message) {
            throw TemplateError.render(message: message, at: location)
        }
    }

    private func invocation(_ name: String, _ arguments: Arguments, at location: SourceLocation) throws -> Invocation {
        var keyword = OrderedDictionary<Value>()
        for argument in arguments.keyword {
            keyword[argument.name] = try evaluate(argument.value)
        }
        return Invocation(positional: try arguments.positional.map(evaluate), keyword: keyword, location: location, name: name)
    }

    private func call(_ callee: Value, _ arguments: Arguments, at location: SourceLocation) throws -> Value {
        guard case let .function(function) = try defined(callee, at: location) else {
            throw TemplateError.render(message: "'\(callee.typeName)' object is not callable", at: location)
        }
        let invocation = try invocation(function.name, arguments, at: location)
        return try guarded(at: location) { try function.body(invocation) }
    }

    private func unary(_ op: String, _ operand: Value, at location: SourceLocation) throws -> Value {
        if op == "not" { return .bool(!operand.isTruthy) }
        switch try defined(operand, at: location) {
        case let .int(number) where op == "-":
            guard number != Int.min else { throw TemplateError.render(message: "integer overflow", at: location) }
            return .int(-number)
        case let .double(number) where op == "-": return .double(-number)
        case let .bool(flag) where op == "-": return .int(flag ? -1 : 0)
        case let .bool(flag): return .int(flag ? 1 : 0)
        case .int, .double: return operand
        default:
            throw TemplateError.render(message: "bad operand type for unary \(op): '\(operand.typeName)'", at: location)
        }
    }

    private func binary(_ op: String, _ lhsExpression: Expression, _ rhsExpression: Expression,
                        at location: SourceLocation) throws -> Value {
        let lhs = try evaluate(lhsExpression)
        switch op {
        case "and": return lhs.isTruthy ? try evaluate(rhsExpression) : lhs
        case "or": return lhs.isTruthy ? lhs : try evaluate(rhsExpression)
        default: break
        }
        let rhs = try evaluate(rhsExpression)
        return try guarded(at: location) {
            switch op {
            case "==": return .bool(Operators.equal(lhs, rhs))
            case "!=": return .bool(!Operators.equal(lhs, rhs))
            case "<", "<=", ">", ">=":
                let order = try Operators.compare(try defined(lhs, at: lhsExpression.location),
                                                  try defined(rhs, at: rhsExpression.location), op)
                return .bool(op == "<" ? order < 0 : op == "<=" ? order <= 0 : op == ">" ? order > 0 : order >= 0)
            case "in": return .bool(try Operators.contains(rhs, lhs))
            case "not in": return .bool(!(try Operators.contains(rhs, lhs)))
            case "~": return try Operators.bounded(.string(lhs.pythonString + rhs.pythonString))
            default:
                return try Operators.arithmetic(op, try defined(lhs, at: lhsExpression.location),
                                                try defined(rhs, at: rhsExpression.location))
            }
        }
    }
}
