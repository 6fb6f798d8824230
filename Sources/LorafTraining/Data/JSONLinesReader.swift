import Foundation

/// Reads JSON Lines: one JSON object per non-empty line, with a string under
/// ``DatasetReadOptions/textField``, a label (integer class id, or a string: a label name or an integer
/// written as text) under ``DatasetReadOptions/labelField``, and optionally a string (or `null`) under
/// ``DatasetReadOptions/textPairField``. Other keys are ignored.
enum JSONLinesReader {
    /// - Throws: ``DatasetError/malformed(_:reason:)`` for a line that is not a JSON object, a missing or
    ///   non-string text, a missing, fractional, non-integer or out-of-range label, a non-string pair text, or
    ///   bytes invalid in the declared encoding.
    static func read(_ lines: inout SourceLineReader, options: DatasetReadOptions,
                     into collector: inout ExampleCollector) throws {
        let decoder = JSONDecoder()
        while !collector.isFull, let line = try lines.next() {
            if line.text.allSatisfy(\.isWhitespace) { continue }
            let location = lines.location
            try collector.collect { labels in
                let object: [String: JSONScalar]
                do {
                    object = try decoder.decode([String: JSONScalar].self, from: Data(line.text.utf8))
                } catch {
                    throw DatasetError.malformed(location, reason: "not a JSON object (bad JSON or not an object)")
                }
                let text = try string(options.textField, in: object, at: location)
                guard let text, !text.isEmpty else {
                    throw DatasetError.malformed(location, reason: "missing or empty field '\(options.textField)'")
                }
                let pair = try string(options.textPairField, in: object, at: location)
                let label = try self.label(options.labelField, in: object, resolver: labels, at: location)
                return TextExample(text: text, textPair: pair, label: label, source: location)
            }
        }
    }

    /// The string under `key`, or `nil` when the key is absent or `null`.
    private static func string(_ key: String, in object: [String: JSONScalar], at location: SourceLocation) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case let .string(value)?: return value
        case let other?: throw DatasetError.malformed(location, reason: "field '\(key)' is \(other.kind), expected a string")
        }
    }

    private static func label(_ key: String, in object: [String: JSONScalar], resolver: LabelResolver,
                              at location: SourceLocation) throws -> Int {
        switch object[key] {
        case nil, .null?: throw DatasetError.malformed(location, reason: "missing field '\(key)'")
        case let .integer(value)?: return try resolver.check(value, at: location)
        case let .string(value)?: return try resolver.resolve(value, at: location)
        case let .number(value)?: throw DatasetError.malformed(location, reason: "label \(value) in field '\(key)' is not an integer")
        case let other?: throw DatasetError.malformed(location, reason: "field '\(key)' is \(other.kind), expected an integer or a string")
        }
    }
}

/// A JSON value as far as a dataset reader cares: scalars are kept, arrays and objects are only recognised.
enum JSONScalar: Decodable {
    case null, bool(Bool), integer(Int), number(Double), string(String), composite

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else { self = .composite }
    }

    /// The JSON type name, for messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .composite: return "an array or object"
        }
    }
}
