/// A value while a template renders: the context's data plus what only exists inside a render
/// (Jinja2's `Undefined`, `namespace()` objects, functions and bound methods).
enum Value {
    /// A missing variable, attribute or item. `hint` is Jinja2's message for when it is used where that
    /// raises (an attribute of it, a call, arithmetic): "'x' is undefined", "'dict object' has no attribute 'y'".
    case undefined(hint: String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    case dictionary(OrderedDictionary<Value>)
    case namespace(Namespace)
    case function(Function)

    init(_ value: TemplateValue) {
        switch value {
        case .none: self = .none
        case let .bool(flag): self = .bool(flag)
        case let .int(number): self = .int(number)
        case let .double(number): self = .double(number)
        case let .string(text): self = .string(text)
        case let .array(items): self = .array(items.map(Value.init))
        case let .dictionary(dictionary): self = .dictionary(dictionary.mapValues(Value.init))
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python's truth value (an undefined value is false).
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case let .bool(flag): return flag
        case let .int(number): return number != 0
        case let .double(number): return number != 0
        case let .string(text): return !text.isEmpty
        case let .array(items): return !items.isEmpty
        case let .dictionary(dictionary): return !dictionary.isEmpty
        case .namespace, .function: return true
        }
    }

    /// How deeply containers nest in this value, counting up to `limit + 1` at most (a namespace already on
    /// the path counts once, so a namespace holding itself is finite).
    func nestingDepth(limit: Int, visiting: inout Set<ObjectIdentifier>) -> Int {
        guard limit >= 0 else { return 1 }
        let children: [Value]
        switch self {
        case let .array(items): children = items
        case let .dictionary(dictionary): children = dictionary.values
        case let .namespace(namespace):
            guard visiting.insert(ObjectIdentifier(namespace)).inserted else { return 0 }
            defer { visiting.remove(ObjectIdentifier(namespace)) }
            children = namespace.attributes.values
        default: return 0
        }
        var deepest = 0
        for child in children {
            deepest = max(deepest, child.nestingDepth(limit: limit - 1, visiting: &visiting))
            if deepest > limit { break }
        }
        return deepest + 1
    }

    /// The Python type name used in error messages ("str", "int", "list", "dict", ...).
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .dictionary: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        }
    }
}

/// `namespace(...)`: the one mutable object of a template (`{% set ns.found = true %}` inside a loop
/// changes what code after the loop sees).
final class Namespace {
    var attributes: OrderedDictionary<Value>

    init(_ attributes: OrderedDictionary<Value>) {
        self.attributes = attributes
    }
}

/// The arguments of one call, with where the call is (for error messages).
struct Invocation {
    let positional: [Value]
    let keyword: OrderedDictionary<Value>
    let location: SourceLocation
    let name: String

    /// Positional argument `index`, else keyword `keyword`, else nil.
    func argument(_ index: Int, _ keyword: String) -> Value? {
        index < positional.count ? positional[index] : self.keyword[keyword]
    }

    func error(_ message: String) -> TemplateError {
        .render(message: "\(name)(): \(message)", at: location)
    }

    /// Rejects more positional arguments than `count` and keywords outside `keywords`.
    func check(maximumPositional count: Int, keywords: Set<String> = []) throws {
        if positional.count > count {
            throw error("takes at most \(count) positional argument\(count == 1 ? "" : "s") (\(positional.count) given)")
        }
        if let unknown = keyword.keys.first(where: { !keywords.contains($0) }) {
            throw error("unexpected keyword argument '\(unknown)'")
        }
    }

    func string(_ index: Int, _ keyword: String) throws -> String? {
        guard let value = argument(index, keyword) else { return nil }
        if case .none = value { return nil }
        guard case let .string(text) = value else {
            throw error("argument '\(keyword)' must be a string, not \(value.typeName)")
        }
        return text
    }

    func integer(_ index: Int, _ keyword: String) throws -> Int? {
        guard let value = argument(index, keyword) else { return nil }
        switch value {
        case .none: return nil
        case let .int(number): return number
        case let .bool(flag): return flag ? 1 : 0
        default: throw error("argument '\(keyword)' must be an integer, not \(value.typeName)")
        }
    }
}

/// A callable value: a global function, a bound method of a value, a macro, `loop.cycle`.
final class Function {
    let name: String
    let body: (Invocation) throws -> Value

    init(name: String, body: @escaping (Invocation) throws -> Value) {
        self.name = name
        self.body = body
    }
}
