import Foundation

/// Executes a parsed template against a context. One renderer serves one `render` call.
///
/// Scopes follow Jinja2: the context and top-level `set`s share the outermost scope; each loop iteration
/// and each macro call gets its own, so a `set` inside a loop is not seen after it (use `namespace()`).
/// Limits keep a hostile template from hanging or exhausting memory: macro recursion depth, loop
/// iterations over the whole render, and the size of the output and of any string or list built
/// (`Operators.maximumStringBytes`); each is an error naming the limit.
final class Renderer {
    static let maximumCallDepth = 64
    static let maximumLoopIterations = 100_000
    /// The deepest value a namespace attribute may hold: the one way a value can grow across loop
    /// iterations, bounded so that printing, comparing and freeing it stay within the stack.
    static let maximumNamespaceNesting = 256

    enum Flow {
        case normal, breakLoop, continueLoop
    }

    var scopes: [[String: Value]]
    let now: () -> Date
    private var callDepth = 0
    private var loopIterations = 0
    /// The namespaces this render created, emptied when it ends (a namespace may hold itself).
    var namespaces: [Namespace] = []

    init(context: [String: Value], now: @escaping () -> Date) {
        scopes = [context]
        self.now = now
    }

    func render(_ body: [Statement]) throws -> String {
        defer { namespaces.forEach { $0.attributes = OrderedDictionary() } }
        var output = ""
        _ = try execute(body, into: &output)
        return output
    }

    func lookup(_ name: String) -> Value {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        if let function = Globals.function(named: name, renderer: self) { return .function(function) }
        return .undefined(hint: "'\(name)' is undefined")
    }

    func assign(_ name: String, _ value: Value) {
        scopes[scopes.count - 1][name] = value
    }

    func execute(_ statements: [Statement], into output: inout String) throws -> Flow {
        for statement in statements {
            switch statement {
            case let .text(text):
                output += text
            case let .output(expression):
                output += try evaluate(expression).pythonString
                try checkSize(output, at: expression.location)
            case let .ifChain(branches, otherwise):
                let body = try branches.first { try evaluate($0.condition).isTruthy }?.body ?? otherwise
                let flow = try execute(body, into: &output)
                if case .normal = flow { continue }
                return flow
            case let .forLoop(loop):
                try run(loop, into: &output)
            case let .set(target, expression):
                try assign(target, try evaluate(expression), at: expression.location)
            case let .setBlock(name, body):
                var text = ""
                _ = try execute(body, into: &text)
                assign(name, .string(text))
            case let .macro(definition):
                assign(definition.name, .function(macro(definition)))
            case let .loopControl(isBreak, location):
                guard scopes.count > 1 else {
                    throw TemplateError.render(message: "'\(isBreak ? "break" : "continue")' outside a loop", at: location)
                }
                return isBreak ? .breakLoop : .continueLoop
            case let .generation(body):
                let flow = try execute(body, into: &output)
                if case .normal = flow { continue }
                return flow
            }
        }
        return .normal
    }

    private func checkSize(_ output: String, at location: SourceLocation) throws {
        if output.utf8.count > Operators.maximumStringBytes {
            throw TemplateError.render(message: "output longer than \(Operators.maximumStringBytes) bytes", at: location)
        }
    }

    private func assign(_ target: SetTarget, _ value: Value, at location: SourceLocation) throws {
        switch target {
        case let .name(name):
            assign(name, value)
        case let .names(names):
            let items = try unpack(value, into: names.count, at: location)
            for (name, item) in zip(names, items) { assign(name, item) }
        case let .attribute(object, attribute):
            guard case let .namespace(namespace) = lookup(object) else {
                throw TemplateError.render(message: "cannot assign attribute '\(attribute)' on '\(object)': not a namespace()",
                                           at: location)
            }
            var visiting = Set<ObjectIdentifier>()
            if value.nestingDepth(limit: Self.maximumNamespaceNesting, visiting: &visiting) > Self.maximumNamespaceNesting {
                throw TemplateError.render(message: "value for '\(object).\(attribute)' nested deeper than \(Self.maximumNamespaceNesting) levels",
                                           at: location)
            }
            namespace.attributes[attribute] = value
        }
    }

    func unpack(_ value: Value, into count: Int, at location: SourceLocation) throws -> [Value] {
        guard case let .array(items) = value, items.count == count else {
            throw TemplateError.render(message: "cannot unpack \(value.typeName) into \(count) names", at: location)
        }
        return items
    }

    // MARK: loops

    private func run(_ loop: ForLoop, into output: inout String) throws {
        var items = try iterate(try evaluate(loop.iterable), at: loop.iterable.location)
        if let filter = loop.filter {
            items = try items.filter { item in
                try withScope(try bindings(loop, item)) { try evaluate(filter).isTruthy }
            }
        }
        if items.isEmpty {
            _ = try execute(loop.otherwise, into: &output)
            return
        }
        for (index, item) in items.enumerated() {
            loopIterations += 1
            if loopIterations > Self.maximumLoopIterations {
                throw TemplateError.render(message: "more than \(Self.maximumLoopIterations) loop iterations", at: loop.location)
            }
            var scope = try bindings(loop, item)
            scope["loop"] = loopVariable(items, index)
            let flow = try withScope(scope) { try execute(loop.body, into: &output) }
            try checkSize(output, at: loop.location)
            if case .breakLoop = flow { break }
        }
    }

    private func bindings(_ loop: ForLoop, _ item: Value) throws -> [String: Value] {
        if loop.targets.count == 1 { return [loop.targets[0]: item] }
        let values = try unpack(item, into: loop.targets.count, at: loop.location)
        return Dictionary(uniqueKeysWithValues: zip(loop.targets, values))
    }

    func withScope<T>(_ scope: [String: Value], _ body: () throws -> T) rethrows -> T {
        scopes.append(scope)
        defer { scopes.removeLast() }
        return try body()
    }

    /// What `for` iterates: list items, dictionary keys, string characters; an undefined value is empty.
    func iterate(_ value: Value, at location: SourceLocation) throws -> [Value] {
        switch value {
        case .undefined: return []
        case let .array(items): return items
        case let .dictionary(dictionary): return dictionary.keys.map(Value.string)
        case let .string(text): return text.unicodeScalars.map { .string(String($0)) }
        default: throw TemplateError.render(message: "'\(value.typeName)' object is not iterable", at: location)
        }
    }

    /// Jinja2's `loop`: index (from 1), index0, revindex, revindex0, first, last, length, previtem,
    /// nextitem, depth, depth0 and cycle(a, b, ...).
    private func loopVariable(_ items: [Value], _ index: Int) -> Value {
        let count = items.count
        var loop = OrderedDictionary<Value>()
        loop["index"] = .int(index + 1)
        loop["index0"] = .int(index)
        loop["revindex"] = .int(count - index)
        loop["revindex0"] = .int(count - index - 1)
        loop["first"] = .bool(index == 0)
        loop["last"] = .bool(index == count - 1)
        loop["length"] = .int(count)
        loop["previtem"] = index > 0 ? items[index - 1] : .undefined(hint: "there is no previous item")
        loop["nextitem"] = index + 1 < count ? items[index + 1] : .undefined(hint: "there is no next item")
        loop["depth"] = .int(1)
        loop["depth0"] = .int(0)
        loop["cycle"] = .function(Function(name: "loop.cycle") { invocation in
            guard !invocation.positional.isEmpty else { throw invocation.error("no items for cycling given") }
            return invocation.positional[index % invocation.positional.count]
        })
        return .dictionary(loop)
    }

    // MARK: macros

    private func macro(_ definition: MacroDefinition) -> Function {
        Function(name: definition.name) { [unowned self] invocation in
            try invocation.check(maximumPositional: definition.parameters.count,
                                 keywords: Set(definition.parameters.map(\.name)))
            var scope: [String: Value] = [:]
            for (index, parameter) in definition.parameters.enumerated() {
                if let value = invocation.argument(index, parameter.name) {
                    scope[parameter.name] = value
                } else if let defaultValue = parameter.defaultValue {
                    scope[parameter.name] = try evaluate(defaultValue)
                } else {
                    scope[parameter.name] = .undefined(hint: "'\(parameter.name)' is undefined")
                }
            }
            return try call(definition, scope: scope, at: invocation.location)
        }
    }

    private func call(_ definition: MacroDefinition, scope: [String: Value], at location: SourceLocation) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > Self.maximumCallDepth {
            throw TemplateError.render(message: "macro calls nested deeper than \(Self.maximumCallDepth)", at: location)
        }
        let saved = scopes
        scopes = [scopes[0], scope]
        defer { scopes = saved }
        var output = ""
        _ = try execute(definition.body, into: &output)
        return .string(output)
    }
}
