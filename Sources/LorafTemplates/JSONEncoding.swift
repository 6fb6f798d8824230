/// The `tojson` filter as transformers defines it: Python's `json.dumps(x, ensure_ascii=False, indent=None,
/// separators=None, sort_keys=False)`, byte for byte: `", "` and `": "` between items without an indent,
/// `","` plus a newline and the indent with one, floats as Python prints them, strings escaping `"`, `\`,
/// and control characters (`\n \r \t \b \f`, else `\u00XX`), non-ASCII kept unless `ensure_ascii=True`.
struct JSONEncoding {
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys: Bool
    var ensureASCII: Bool
    private let invocation: Invocation

    init(_ invocation: Invocation) throws {
        self.invocation = invocation
        switch invocation.argument(0, "indent") {
        case let .int(count)?: indent = String(repeating: " ", count: max(0, min(count, 64)))
        case let .string(text)?: indent = text
        case nil, .none?: indent = nil
        case let other?: throw invocation.error("indent must be an integer or a string, not \(other.typeName)")
        }
        itemSeparator = indent == nil ? ", " : ","
        keySeparator = ": "
        if let separators = invocation.keyword["separators"], !(separators.isUndefined), case .array(let pair) = separators {
            guard pair.count == 2, case let .string(item) = pair[0], case let .string(key) = pair[1] else {
                throw invocation.error("separators must be a pair of strings")
            }
            (itemSeparator, keySeparator) = (item, key)
        }
        sortKeys = invocation.keyword["sort_keys"]?.isTruthy ?? false
        ensureASCII = invocation.keyword["ensure_ascii"]?.isTruthy ?? false
    }

    func encode(_ value: Value) throws -> String {
        var output = ""
        try write(value, level: 0, into: &output)
        return output
    }

    private func write(_ value: Value, level: Int, into output: inout String) throws {
        if level > Value.maximumPrintDepth {
            throw invocation.error("nesting deeper than \(Value.maximumPrintDepth) levels")
        }
        switch value {
        case .none: output += "null"
        case let .bool(flag): output += flag ? "true" : "false"
        case let .int(number): output += String(number)
        case let .double(number):
            output += number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : Value.pythonFloat(number)
        case let .string(text): writeString(text, into: &output)
        case let .array(items):
            try writeContainer("[", "]", items.map { (nil, $0) }, level: level, into: &output)
        case let .dictionary(dictionary):
            let pairs = sortKeys ? dictionary.pairs.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
                : dictionary.pairs
            try writeContainer("{", "}", pairs.map { ($0.key, $0.value) }, level: level, into: &output)
        default:
            throw invocation.error("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private func writeContainer(_ open: String, _ close: String, _ entries: [(String?, Value)], level: Int,
                                into output: inout String) throws {
        guard !entries.isEmpty else {
            output += open + close
            return
        }
        output += open
        let inner = indent.map { "\n" + String(repeating: $0, count: level + 1) }
        for (index, entry) in entries.enumerated() {
            if index > 0 { output += itemSeparator }
            if let inner { output += inner }
            if let key = entry.0 {
                writeString(key, into: &output)
                output += keySeparator
            }
            try write(entry.1, level: level + 1, into: &output)
        }
        if let indent { output += "\n" + String(repeating: indent, count: level) }
        output += close
    }

    private func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7e) {
                    output += Self.unicodeEscapes(scalar)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    /// `\uXXXX` (lower-case hex, as Python), a surrogate pair above the Basic Multilingual Plane.
    private static func unicodeEscapes(_ scalar: Unicode.Scalar) -> String {
        UTF16.encode(scalar)!.map { unit in
            let hex = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }
}
