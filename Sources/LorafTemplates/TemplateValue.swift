/// A value passed into a template's context: what JSON can hold, with integers and doubles kept apart
/// (as Python keeps `int` and `float`), and dictionaries that keep their key order (as Python's `dict`
/// does, so `tojson` and `items()` print keys in insertion order).
///
/// ```swift
/// let message: TemplateValue = ["role": "user", "content": "Hello"]
/// let context: [String: TemplateValue] = ["messages": [message], "add_generation_prompt": true]
/// ```
///
/// `TemplateValue(json:)` parses JSON text keeping key order; see also `ChatMessage`.
public enum TemplateValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([TemplateValue])
    case dictionary(TemplateDictionary)
}

/// The dictionaries of `TemplateValue`: string keys in insertion order.
public typealias TemplateDictionary = OrderedDictionary<TemplateValue>

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .dictionary(TemplateDictionary(elements)) }
    public init(nilLiteral: ()) { self = .none }
}
