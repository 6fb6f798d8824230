import Foundation

/// Python's semantics for the binary operators templates use: `==` across int/float/bool, ordering of
/// numbers, strings (by code point) and lists, `+` on numbers/strings/lists, `*` with repetition, true
/// division `/`, floor division `//` and modulo `%` with the divisor's sign, `**`, and `in`.
enum Operators {
    enum Failure: Error {
        case message(String)
    }

    /// The longest string (UTF-8 bytes) or list (items) an operator may build, and the longest output.
    static let maximumStringBytes = 32 << 20

    /// Checks a string or list an operator built against `maximumStringBytes`.
    static func bounded(_ value: Value) throws -> Value {
        let size: Int
        switch value {
        case let .string(text): size = text.utf8.count
        case let .array(items): size = items.count
        default: size = 0
        }
        guard size <= maximumStringBytes else {
            throw Failure.message("result longer than \(maximumStringBytes) bytes or items")
        }
        return value
    }

    private static func repeated(_ count: Value, _ length: Int) throws -> Int? {
        guard let times = integer(count) else { return nil }
        guard times <= 0 || length == 0 || times <= maximumStringBytes / length else {
            throw Failure.message("result longer than \(maximumStringBytes) bytes or items")
        }
        return max(0, times)
    }

    private static func number(_ value: Value) -> Double? {
        switch value {
        case let .int(number): return Double(number)
        case let .double(number): return number
        case let .bool(flag): return flag ? 1 : 0
        default: return nil
        }
    }

    private static func integer(_ value: Value) -> Int? {
        switch value {
        case let .int(number): return number
        case let .bool(flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// Python's `==`; containers nested deeper than `PythonText`'s print depth compare unequal (a bound on
    /// recursion, not a case real data reaches).
    static func equal(_ lhs: Value, _ rhs: Value, depth: Int = 0) -> Bool {
        if depth > Value.maximumPrintDepth { return false }
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case let (.string(a), .string(b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1, depth: depth + 1) }
        case let (.dictionary(a), .dictionary(b)):
            return a.count == b.count && a.pairs.allSatisfy { pair in b[pair.key].map { equal(pair.value, $0, depth: depth + 1) } ?? false }
        case let (.namespace(a), .namespace(b)): return a === b
        case let (.function(a), .function(b)): return a === b
        default:
            if let a = integer(lhs), let b = integer(rhs) { return a == b }
            if let a = number(lhs), let b = number(rhs) { return a == b }
            return false
        }
    }

    /// -1, 0 or 1; throws for types Python cannot order.
    static func compare(_ lhs: Value, _ rhs: Value, _ op: String, depth: Int = 0) throws -> Int {
        if depth > Value.maximumPrintDepth { throw Failure.message("lists nested too deeply to compare") }
        switch (lhs, rhs) {
        case let (.string(a), .string(b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (equal(lhs, rhs) ? 0 : 1)
        case let (.array(a), .array(b)):
            for (x, y) in zip(a, b) where !equal(x, y, depth: depth + 1) { return try compare(x, y, op, depth: depth + 1) }
            return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
        default:
            if let a = integer(lhs), let b = integer(rhs) { return a < b ? -1 : (a == b ? 0 : 1) }
            if let a = number(lhs), let b = number(rhs) { return a < b ? -1 : (a == b ? 0 : 1) }
            throw Failure.message("'\(op)' not supported between instances of '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
    }

    /// `needle in haystack`: substring, list item, dictionary key.
    static func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
        switch haystack {
        case let .string(text):
            guard case let .string(part) = needle else {
                throw Failure.message("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return part.isEmpty || text.contains(part)
        case let .array(items): return items.contains { equal($0, needle) }
        case let .dictionary(dictionary):
            guard case let .string(key) = needle else { return false }
            return dictionary[key] != nil
        case .undefined: return false
        default: throw Failure.message("argument of type '\(haystack.typeName)' is not iterable")
        }
    }

    static func arithmetic(_ op: String, _ lhs: Value, _ rhs: Value) throws -> Value {
        switch (op, lhs, rhs) {
        case let ("+", .string(a), .string(b)): return try bounded(.string(a + b))
        case let ("+", .array(a), .array(b)): return try bounded(.array(a + b))
        case let ("*", .string(text), count), let ("*", count, .string(text)):
            if let times = try repeated(count, text.utf8.count) { return .string(String(repeating: text, count: times)) }
        case let ("*", .array(items), count), let ("*", count, .array(items)):
            if let times = try repeated(count, items.count) { return .array(Array(repeating: items, count: times).flatMap { $0 }) }
        default: break
        }
        if let a = integer(lhs), let b = integer(rhs) {
            return try integerArithmetic(op, a, b)
        }
        guard let a = number(lhs), let b = number(rhs) else {
            throw Failure.message("unsupported operand type(s) for \(op): '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
        return try floatArithmetic(op, a, b)
    }

    private static func integerArithmetic(_ op: String, _ a: Int, _ b: Int) throws -> Value {
        let result: (Int, Bool)
        switch op {
        case "+": result = a.addingReportingOverflow(b)
        case "-": result = a.subtractingReportingOverflow(b)
        case "*": result = a.multipliedReportingOverflow(by: b)
        case "/": return try floatArithmetic(op, Double(a), Double(b))
        case "//", "%":
            guard b != 0 else { throw Failure.message("integer division or modulo by zero") }
            guard !(a == Int.min && b == -1) else { throw Failure.message("integer overflow") }
            var quotient = a / b
            var remainder = a % b
            if remainder != 0 && ((remainder < 0) != (b < 0)) {
                quotient -= 1
                remainder += b
            }
            return .int(op == "//" ? quotient : remainder)
        case "**":
            guard b >= 0 else { return try floatArithmetic(op, Double(a), Double(b)) }
            switch a {
            case 0: return .int(b == 0 ? 1 : 0)
            case 1: return .int(1)
            case -1: return .int(b % 2 == 0 ? 1 : -1)
            default:
                var power = 1
                for _ in 0..<b {
                    let (next, overflow) = power.multipliedReportingOverflow(by: a)
                    if overflow { throw Failure.message("integer overflow") }
                    power = next
                }
                return .int(power)
            }
        default: throw Failure.message("unknown operator \(op)")
        }
        if result.1 { throw Failure.message("integer overflow") }
        return .int(result.0)
    }

    private static func floatArithmetic(_ op: String, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case "+": return .double(a + b)
        case "-": return .double(a - b)
        case "*": return .double(a * b)
        case "/":
            guard b != 0 else { throw Failure.message("division by zero") }
            return .double(a / b)
        case "//", "%":
            guard b != 0 else { throw Failure.message("float division or modulo by zero") }
            let quotient = (a / b).rounded(.down)
            return .double(op == "//" ? quotient : a - quotient * b)
        case "**": return .double(pow(a, b))
        default: throw Failure.message("unknown operator \(op)")
        }
    }
}
