/// Python's string operations on Unicode scalars (Python strings are sequences of code points, so
/// lengths, indices and splits count scalars, not grapheme clusters).
enum PythonStrings {
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1c...0x1f).contains(scalar.value)
    }

    /// `strip`/`lstrip`/`rstrip`: whitespace, or any scalar of `chars` when given.
    static func strip(_ text: String, chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let remove: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isSpace($0) }
        var scalars = Substring(text).unicodeScalars[...]
        if leading { while let first = scalars.first, remove(first) { scalars.removeFirst() } }
        if trailing { while let last = scalars.last, remove(last) { scalars.removeLast() } }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `split(sep, maxsplit)`: on runs of whitespace (dropping empty parts) when `separator` is nil.
    static func split(_ text: String, separator: String?, limit: Int) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        guard let separator else {
            var index = 0
            while index < scalars.count {
                while index < scalars.count && isSpace(scalars[index]) { index += 1 }
                guard index < scalars.count else { break }
                if limit >= 0 && parts.count == limit {
                    parts.append(String(String.UnicodeScalarView(scalars[index...])))
                    return parts
                }
                current = String.UnicodeScalarView()
                while index < scalars.count && !isSpace(scalars[index]) { current.append(scalars[index]); index += 1 }
                parts.append(String(current))
            }
            return parts
        }
        let pattern = Array(separator.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if (limit < 0 || parts.count < limit) && scalars[index...].starts(with: pattern) {
                parts.append(String(current))
                current = String.UnicodeScalarView()
                index += pattern.count
            } else {
                current.append(scalars[index])
                index += 1
            }
        }
        parts.append(String(current))
        return parts
    }

    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty { return text }
        let parts = split(text, separator: old, limit: count)
        return parts.joined(separator: new)
    }

    static func find(_ text: String, _ part: String) -> Int {
        let scalars = Array(text.unicodeScalars), pattern = Array(part.unicodeScalars)
        guard pattern.count <= scalars.count else { return -1 }
        for start in 0...(scalars.count - pattern.count) where scalars[start...].starts(with: pattern) { return start }
        return -1
    }

    static func count(_ text: String, _ part: String) -> Int {
        if part.isEmpty { return text.unicodeScalars.count + 1 }
        return split(text, separator: part, limit: -1).count - 1
    }

    /// `str.capitalize()`: the first character upper case, the rest lower case.
    static func capitalize(_ text: String) -> String {
        guard let first = text.first else { return text }
        return String(first).uppercased() + text.dropFirst().lowercased()
    }

    /// `str.title()`: upper case after a non-letter, lower case after a letter.
    static func title(_ text: String) -> String {
        var result = ""
        var previousIsLetter = false
        for character in text {
            result += previousIsLetter ? character.lowercased() : character.uppercased()
            previousIsLetter = character.isLetter
        }
        return result
    }

    /// Jinja2's `title` filter: words begin after whitespace, `-`, `(`, `{`, `[` or `<`.
    static func titleWords(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for character in text {
            let isBreak = character.isWhitespace || "-({[<".contains(character)
            result += isBreak ? String(character) : (atWordStart ? character.uppercased() : character.lowercased())
            atWordStart = isBreak
        }
        return result
    }
}
