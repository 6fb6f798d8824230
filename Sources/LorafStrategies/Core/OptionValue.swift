import Foundation

/// A configuration value as it arrives from Lua (`model:adapt{...}`) or from a JSON adapter_config.json.
public indirect enum OptionValue: Equatable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case list([OptionValue])
    case table([String: OptionValue])
    case null

    /// The value as Lua users would describe it in an error: `string "8x"`, `number 1.5`, `table`.
    public var description: String {
        switch self {
        case let .int(v): return "number \(v)"
        case let .double(v): return "number \(v)"
        case let .string(v): return "string \"\(v)\""
        case let .bool(v): return "boolean \(v)"
        case .list: return "list"
        case .table: return "table"
        case .null: return "nil"
        }
    }

    /// Converts a JSONSerialization value (NSNumber, String, arrays, dictionaries, NSNull).
    public init(json: Any) {
        switch json {
        case let n as NSNumber:
            // JSONSerialization gives NSNumber for true/false and numbers alike; the objCType tells them apart
            // ("c" for booleans) and "q"/"d" for integers and reals.
            let type = String(cString: n.objCType)
            if type == "c" || type == "B" { self = .bool(n.boolValue) } else if type == "d" || type == "f" { self = .double(n.doubleValue) } else { self = .int(n.intValue) }
        case let s as String: self = .string(s)
        case let a as [Any]: self = .list(a.map(OptionValue.init(json:)))
        case let d as [String: Any]: self = .table(d.mapValues(OptionValue.init(json:)))
        default: self = .null
        }
    }

    /// The JSONSerialization form of this value.
    public var json: Any {
        switch self {
        case let .int(v): return v
        case let .double(v): return v
        case let .string(v): return v
        case let .bool(v): return v
        case let .list(v): return v.map(\.json)
        case let .table(v): return v.mapValues(\.json)
        case .null: return NSNull()
        }
    }
}

/// Named options with typed, validated access. Every accessor names the option in its error, and `finish()`
/// rejects keys nobody read, so a typo (`lora_aplha`) is an error rather than a silent default.
public struct Options {
    /// Who the options are for, used as the prefix of messages (`loraf.lora`, `adapter_config.json`).
    public let context: String
    public private(set) var values: [String: OptionValue]
    private var read: Set<String> = []

    public init(_ values: [String: OptionValue], context: String) {
        self.values = values.filter { $0.value != .null }
        self.context = context
    }

    func fail(_ key: String, _ expectation: String, _ value: OptionValue) -> StrategyError {
        StrategyError.invalidOption("\(context): '\(key)' must be \(expectation), got \(value)")
    }

    /// An integer in `minimum...maximum`; `defaultValue` when absent. A bounded range is named in the error
    /// (`'r' must be an integer in [1, 65536], got number 1e+300`).
    public mutating func int(_ key: String, default defaultValue: Int, minimum: Int = Int.min, maximum: Int = Int.max) throws -> Int {
        read.insert(key)
        guard let value = values[key] else { return defaultValue }
        guard let v = Options.integer(value, in: minimum...maximum) else {
            throw fail(key, Options.integerExpectation(minimum...maximum), value)
        }
        return v
    }

    /// `value` as an integer in `range`, or nil (a non-integral, non-finite or out-of-range number; no trap).
    static func integer(_ value: OptionValue, in range: ClosedRange<Int>) -> Int? {
        switch value {
        case let .int(v) where range.contains(v): return v
        case let .double(v) where v == v.rounded() && v >= Double(range.lowerBound) && v <= Double(range.upperBound) && abs(v) < 1e15:
            return Int(v)
        default: return nil
        }
    }

    /// How an integer in `range` is described in messages.
    static func integerExpectation(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): return "an integer"
        case (1, Int.max): return "a positive integer"
        case (0, Int.max): return "a non-negative integer"
        case let (low, high): return "an integer in [\(low), \(high)]"
        }
    }

    /// A number in `range`; `defaultValue` when absent.
    public mutating func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double> = -Double.infinity...Double.infinity) throws -> Double {
        read.insert(key)
        guard let value = values[key] else { return defaultValue }
        let v: Double
        switch value {
        case let .int(i): v = Double(i)
        case let .double(d): v = d
        default: throw fail(key, "a number", value)
        }
        guard range.contains(v), v.isFinite else { throw fail(key, "a number in [\(range.lowerBound), \(range.upperBound)]", value) }
        return v
    }

    /// A boolean; `defaultValue` when absent.
    public mutating func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        read.insert(key)
        guard let value = values[key] else { return defaultValue }
        guard case let .bool(b) = value else { throw fail(key, "a boolean", value) }
        return b
    }

    /// A string, optionally one of `allowed`; `defaultValue` when absent.
    public mutating func string(_ key: String, default defaultValue: String?, allowed: [String]? = nil) throws -> String? {
        read.insert(key)
        guard let value = values[key] else { return defaultValue }
        guard case let .string(s) = value else { throw fail(key, "a string", value) }
        if let allowed, !allowed.contains(s) {
            throw fail(key, "one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", "), value)
        }
        return s
    }

    /// A list of strings (a single string is accepted as a one-element list only when `singleAllowed`).
    public mutating func strings(_ key: String) throws -> [String]? {
        read.insert(key)
        guard let value = values[key] else { return nil }
        guard case let .list(items) = value else { throw fail(key, "a list of strings", value) }
        return try items.map { item in
            guard case let .string(s) = item else { throw fail(key, "a list of strings", item) }
            return s
        }
    }

    /// A list of integers.
    public mutating func ints(_ key: String) throws -> [Int]? {
        read.insert(key)
        guard let value = values[key] else { return nil }
        if case let .int(single) = value { return [single] }
        guard case let .list(items) = value else { throw fail(key, "a list of integers", value) }
        return try items.map { item in
            guard let i = Options.integer(item, in: Int.min...Int.max) else { throw fail(key, "a list of integers", item) }
            return i
        }
    }

    /// The raw value (for options with several accepted forms).
    public mutating func raw(_ key: String) -> OptionValue? {
        read.insert(key)
        return values[key]
    }

    /// A table of string keys to numbers in `range` (rank_pattern, alpha_pattern); with `integral`, integers only.
    /// Errors name the entry and the valid range: `'rank_pattern' entry 'query' must be an integer in [1, 65536], got ...`.
    public mutating func numberTable(_ key: String, in range: ClosedRange<Double>, integral: Bool = false) throws -> [String: Double] {
        read.insert(key)
        guard let value = values[key] else { return [:] }
        if case let .list(items) = value, items.isEmpty { return [:] }
        guard case let .table(table) = value else { throw fail(key, "a table of pattern = number", value) }
        var numbers: [String: Double] = [:]
        for (entry, item) in table {
            let number: Double?
            switch item {
            case let .int(i): number = Double(i)
            case let .double(d): number = d
            default: number = nil
            }
            guard let number, number.isFinite, range.contains(number), !integral || number == number.rounded() else {
                let expectation = integral ? Options.integerExpectation(Int(range.lowerBound)...Int(range.upperBound))
                                           : "a number in [\(range.lowerBound), \(range.upperBound)]"
                throw StrategyError.invalidOption("\(context): '\(key)' entry '\(entry)' must be \(expectation), got \(item)")
            }
            numbers[entry] = number
        }
        return numbers
    }

    /// Marks keys as known without reading them (e.g. the strategy name).
    public mutating func ignore(_ keys: [String]) { read.formUnion(keys) }

    /// Throws for the first key that no accessor read (sorted, so the message is stable).
    public func finish() throws {
        if let unknown = values.keys.filter({ !read.contains($0) }).sorted().first {
            throw StrategyError.invalidOption("\(context): unknown option '\(unknown)'")
        }
    }
}

/// Errors of strategies and adapters. Messages name the option, module path or tensor involved.
public enum StrategyError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)
    case noMatch(String)
    case unknownAdapter(String)
    case invalidState(String)
    case adapterFile(String)

    public var description: String {
        switch self {
        case let .invalidOption(m), let .noMatch(m), let .unknownAdapter(m), let .invalidState(m), let .adapterFile(m): return m
        }
    }
}
