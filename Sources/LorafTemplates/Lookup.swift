/// Attribute, item and slice access with Jinja2's rules: `a.b` looks for a method of the value's type first,
/// then a key; `a[b]` looks for the key or index first, then (for a string key) an attribute. What is
/// missing is undefined (an error only when used as an object), never a crash.
enum Lookup {
    static func attribute(_ value: Value, _ name: String) throws -> Value {
        if let method = Methods.bound(name, on: value) { return .function(method) }
        switch value {
        case let .dictionary(dictionary):
            return dictionary[name] ?? .undefined(hint: "'dict object' has no attribute '\(name)'")
        case let .namespace(namespace):
            return namespace.attributes[name] ?? .undefined(hint: "'Namespace object' has no attribute '\(name)'")
        default:
            return .undefined(hint: "'\(value.typeName) object' has no attribute '\(name)'")
        }
    }

    static func item(_ value: Value, _ key: Value) throws -> Value {
        switch (value, key) {
        case let (.dictionary(dictionary), .string(name)):
            if let item = dictionary[name] { return item }
        case let (.array(items), .int(index)):
            if let position = position(index, count: items.count) { return items[position] }
            return .undefined(hint: "'list object' has no element \(index)")
        case let (.string(text), .int(index)):
            let scalars = Array(text.unicodeScalars)
            if let position = position(index, count: scalars.count) { return .string(String(scalars[position])) }
            return .undefined(hint: "'str object' has no element \(index)")
        default:
            break
        }
        if case let .string(name) = key { return try attribute(value, name) }
        return .undefined(hint: "'\(value.typeName) object' has no element \(key.pythonRepr)")
    }

    private static func position(_ index: Int, count: Int) -> Int? {
        let position = index < 0 ? index + count : index
        return position >= 0 && position < count ? position : nil
    }

    /// `value[start:stop:step]` on a list or string, with Python's clamping and negative indices.
    static func slice(_ value: Value, _ bounds: [Value?]) throws -> Value {
        let numbers = try bounds.map { bound -> Int? in
            switch bound {
            case nil, .none?: return nil
            case let .int(number)?: return number
            case let .bool(flag)?: return flag ? 1 : 0
            case let other?: throw Operators.Failure.message("slice indices must be integers or None, not \(other.typeName)")
            }
        }
        let step = numbers[2] ?? 1
        guard step != 0 else { throw Operators.Failure.message("slice step cannot be zero") }
        switch value {
        case let .array(items):
            return .array(indices(count: items.count, numbers[0], numbers[1], step).map { items[$0] })
        case let .string(text):
            let scalars = Array(text.unicodeScalars)
            var result = String.UnicodeScalarView()
            result.append(contentsOf: indices(count: scalars.count, numbers[0], numbers[1], step).map { scalars[$0] })
            return .string(String(result))
        default:
            throw Operators.Failure.message("'\(value.typeName)' object is not subscriptable")
        }
    }

    /// The positions Python's `slice(start, stop, step).indices(count)` visits.
    private static func indices(count: Int, _ start: Int?, _ stop: Int?, _ step: Int) -> [Int] {
        func clamp(_ bound: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
            guard let bound else { return fallback }
            let adjusted = bound < 0 ? bound + count : bound
            return min(max(adjusted, low), high)
        }
        if step > 0 {
            let first = clamp(start, 0, low: 0, high: count)
            let last = clamp(stop, count, low: 0, high: count)
            return first < last ? Array(stride(from: first, to: last, by: step)) : []
        }
        let first = clamp(start, count - 1, low: -1, high: count - 1)
        let last = clamp(stop, -1, low: -1, high: count - 1)
        return first > last ? Array(stride(from: first, to: last, by: step)) : []
    }
}
