import Foundation

/// A configuration value as config.json or GGUF metadata holds it.
public enum ConfigValue: Equatable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case array([ConfigValue])
    case object([String: ConfigValue])
    case null
}

extension ConfigValue: Decodable {
    /// Any JSON value (booleans stay booleans; integral numbers without a fraction become `.int`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([ConfigValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: ConfigValue].self)) }
    }
}

/// Typed, checked access to configuration values by key; every error names the source and the key.
public struct ConfigReader {
    /// The file the values come from (for messages).
    public let source: String
    private let values: [String: ConfigValue]

    public init(source: String, values: [String: ConfigValue]) {
        self.source = source
        self.values = values
    }

    /// Reads a config.json.
    /// - Throws: `ModelError.invalid` when the file cannot be read or is not a JSON object.
    public static func json(contentsOf url: URL) throws -> ConfigReader {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.invalid("\(url.path): cannot read the model config (\(error.localizedDescription))")
        }
        guard case let .object(object)? = try? JSONDecoder().decode(ConfigValue.self, from: data) else {
            throw ModelError.invalid("\(url.path): not a JSON object")
        }
        return ConfigReader(source: url.path, values: object)
    }

    /// The raw value of `key` (nil when absent or null).
    public func value(_ key: String) -> ConfigValue? {
        guard let v = values[key], v != .null else { return nil }
        return v
    }

    /// An integer; nil when absent. Throws when present with another type.
    public func int(_ key: String) throws -> Int? {
        switch value(key) {
        case nil: return nil
        case let .int(i)?: return i
        case let .double(d)? where d.rounded() == d && Swift.abs(d) < 9.0e15: return Int(d)
        case let v?: throw mistyped(key, v, "an integer")
        }
    }

    /// A positive integer that must be present, at most `limit` (so a corrupt size is refused before allocating).
    public func positiveInt(_ key: String, limit: Int = 1 << 24) throws -> Int {
        guard let i = try int(key) else { throw ModelError.invalid("\(source): missing field '\(key)'") }
        guard i > 0, i <= limit else { throw ModelError.invalid("\(source): '\(key)' must be in 1...\(limit), got \(i)") }
        return i
    }

    /// A number; nil when absent.
    public func double(_ key: String) throws -> Double? {
        switch value(key) {
        case nil: return nil
        case let .int(i)?: return Double(i)
        case let .double(d)?: return d
        case let v?: throw mistyped(key, v, "a number")
        }
    }

    /// A string; nil when absent.
    public func string(_ key: String) throws -> String? {
        switch value(key) {
        case nil: return nil
        case let .string(s)?: return s
        case let v?: throw mistyped(key, v, "a string")
        }
    }

    /// A boolean; nil when absent.
    public func bool(_ key: String) throws -> Bool? {
        switch value(key) {
        case nil: return nil
        case let .bool(b)?: return b
        case let v?: throw mistyped(key, v, "true or false")
        }
    }

    /// A JSON object as a nested reader (e.g. `rope_scaling`); nil when absent.
    public func object(_ key: String) throws -> ConfigReader? {
        switch value(key) {
        case nil: return nil
        case let .object(o)?: return ConfigReader(source: "\(source): \(key)", values: o)
        case let v?: throw mistyped(key, v, "an object")
        }
    }

    private func mistyped(_ key: String, _ value: ConfigValue, _ expected: String) -> ModelError {
        .invalid("\(source): field '\(key)' must be \(expected), got \(value)")
    }
}
