import Foundation

/// The global functions a chat template can call: Jinja2's `range`, `namespace` and `dict`, and
/// transformers' `raise_exception(message)` and `strftime_now(format)`.
enum Globals {
    /// Jinja2's sandbox refuses ranges longer than this (`MAX_RANGE`).
    static let maximumRange = 100_000

    static func function(named name: String, renderer: Renderer) -> Function? {
        switch name {
        case "range": return Function(name: name, body: range)
        case "namespace", "dict":
            return Function(name: name) { [unowned renderer] invocation in
                var attributes = OrderedDictionary<Value>()
                for argument in invocation.positional {
                    guard case let .dictionary(dictionary) = argument else {
                        throw invocation.error("positional arguments must be dictionaries")
                    }
                    for pair in dictionary.pairs { attributes[pair.key] = pair.value }
                }
                for pair in invocation.keyword.pairs { attributes[pair.key] = pair.value }
                if name == "dict" { return .dictionary(attributes) }
                let namespace = Namespace(attributes)
                renderer.namespaces.append(namespace)
                return .namespace(namespace)
            }
        case "raise_exception":
            return Function(name: name) { invocation in
                throw TemplateError.raised(message: invocation.argument(0, "message")?.pythonString ?? "")
            }
        case "strftime_now":
            return Function(name: name) { [unowned renderer] invocation in
                guard let format = try invocation.string(0, "format") else { throw invocation.error("needs a format") }
                return .string(Strftime.format(renderer.now(), format))
            }
        default:
            return nil
        }
    }

    private static func range(_ invocation: Invocation) throws -> Value {
        try invocation.check(maximumPositional: 3)
        let numbers = try invocation.positional.indices.map { index -> Int in
            guard let number = try invocation.integer(index, "argument") else { throw invocation.error("needs integers") }
            return number
        }
        let (start, stop, step): (Int, Int, Int)
        switch numbers.count {
        case 1: (start, stop, step) = (0, numbers[0], 1)
        case 2: (start, stop, step) = (numbers[0], numbers[1], 1)
        case 3: (start, stop, step) = (numbers[0], numbers[1], numbers[2])
        default: throw invocation.error("expected 1 to 3 arguments")
        }
        guard step != 0 else { throw invocation.error("step must not be zero") }
        let count = step > 0 ? (stop > start ? (stop - start - 1) / step + 1 : 0)
            : (start > stop ? (start - stop - 1) / -step + 1 : 0)
        guard count <= maximumRange else {
            throw invocation.error("range too big (\(count) items; the sandbox allows \(maximumRange))")
        }
        return .array((0..<count).map { .int(start + $0 * step) })
    }
}

/// Python's `datetime.strftime` for the directives chat templates use (%d %m %Y %y %H %I %M %S %p %b %B
/// %a %A %j %%), in the current time zone and English names; another directive is kept as written.
enum Strftime {
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"]
    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func format(_ date: Date, _ format: String, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        func padded(_ number: Int, _ width: Int = 2) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var result = ""
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%", let directive = characters.next() else {
                result.append(character)
                continue
            }
            let hour = parts.hour ?? 0
            switch directive {
            case "d": result += padded(parts.day ?? 1)
            case "m": result += padded(parts.month ?? 1)
            case "Y": result += String(parts.year ?? 1970)
            case "y": result += padded((parts.year ?? 1970) % 100)
            case "H": result += padded(hour)
            case "I": result += padded(hour % 12 == 0 ? 12 : hour % 12)
            case "p": result += hour < 12 ? "AM" : "PM"
            case "M": result += padded(parts.minute ?? 0)
            case "S": result += padded(parts.second ?? 0)
            case "B": result += months[(parts.month ?? 1) - 1]
            case "b": result += String(months[(parts.month ?? 1) - 1].prefix(3))
            case "A": result += weekdays[(parts.weekday ?? 1) - 1]
            case "a": result += String(weekdays[(parts.weekday ?? 1) - 1].prefix(3))
            case "j": result += padded(dayOfYear, 3)
            case "%": result += "%"
            default: result += "%" + String(directive)
            }
        }
        return result
    }
}
