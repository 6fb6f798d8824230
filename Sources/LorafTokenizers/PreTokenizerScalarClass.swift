/// The classes the byte-level pre-tokenizer regexes test: `\p{L}` (letter), `\p{N}` (number),
/// `\s` (white space: the Unicode White_Space property, as Oniguruma and llama.cpp use), and
/// everything else. CR and LF are white space that the Llama 3 rules also look at by name.
enum PreTokenizerScalarClass: UInt8 {
    case letter, number, whitespace, other

    /// ASCII classes by table; other scalars from Swift's Unicode properties.
    @inline(__always)
    static func of(_ value: UInt32) -> PreTokenizerScalarClass {
        if value < 128 { return ascii[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return .other }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    private static let ascii: [PreTokenizerScalarClass] = (0..<128).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case 9...13, 32: return .whitespace
        default: return .other
        }
    }

    /// The classes of `scalars`, one per scalar.
    static func classes(of scalars: ArraySlice<UInt32>) -> [PreTokenizerScalarClass] {
        scalars.map(of)
    }
}
