/// A dictionary with string keys that keeps insertion order, as Python's `dict` does; setting an existing
/// key keeps its position, removing a key (assigning nil) drops it.
public struct OrderedDictionary<Value> {
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    public init() {}

    /// Pairs in order; a repeated key keeps its first position and its last value (as a Python dict literal).
    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs {
            self[key] = value
        }
    }

    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil {
                    keys.append(key)
                }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The values in key order.
    public var values: [Value] { keys.map { storage[$0]! } }

    /// The (key, value) pairs in insertion order.
    public var pairs: [(key: String, value: Value)] {
        keys.map { ($0, storage[$0]!) }
    }

    /// The same keys in the same order, each value transformed.
    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> OrderedDictionary<T> {
        var result = OrderedDictionary<T>()
        for key in keys {
            result[key] = try transform(storage[key]!)
        }
        return result
    }
}

extension OrderedDictionary: Equatable where Value: Equatable {
    /// Equal when the keys come in the same order with equal values.
    public static func == (lhs: OrderedDictionary, rhs: OrderedDictionary) -> Bool {
        lhs.keys == rhs.keys && lhs.storage == rhs.storage
    }
}

extension OrderedDictionary: Sendable where Value: Sendable {}

extension OrderedDictionary: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }
}
