/// The character classes that BERT's normalizer and pre-tokenizer use, reproduced as the
/// Hugging Face `tokenizers` library computes them.
///
/// That library takes general categories (control, format, private use, punctuation,
/// non-spacing mark) and canonical decompositions from tables of Unicode 8.0, while white
/// space and case mapping follow the current Unicode version. A scalar assigned after Unicode 8.0 therefore
/// has no category there: it is neither removed as a control character, nor split off as
/// punctuation, nor dropped as an accent. This was checked against `tokenizers` 0.23
/// (for example U+2E42 is punctuation there but U+2E43, new in 9.0, is not).
enum BertCharacterClasses {
    /// The Unicode version of the general-category tables in `tokenizers`.
    private static let categoryTableVersion = (major: 8, minor: 0)

    /// Scalars whose general category changed after Unicode 8.0 in a way that matters here,
    /// with their Unicode 8.0 category. Found by comparing every scalar against `tokenizers` 0.23.
    private static let unicode8Categories: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation,  // CANADIAN SYLLABICS CHI SIGN, So since Unicode 12
        0x111C9: .otherPunctuation, // SHARADA SANDHI MARK, Mn since Unicode 11
        0x1734: .nonspacingMark,    // HANUNOO SIGN PAMUDPOD, Mc since Unicode 14
        0x1171E: .nonspacingMark,   // AHOM CONSONANT SIGN MEDIAL RA, Mc since Unicode 14
        0x1885: .otherLetter,       // MONGOLIAN LETTER ALI GALI BALUDA, Mn since Unicode 9
        0x1886: .otherLetter,       // MONGOLIAN LETTER ALI GALI THREE BALUDA, Mn since Unicode 9
        0xA9BD: .spacingMark,       // JAVANESE CONSONANT SIGN KERET, Mn since Unicode 12
    ]

    /// The general category of `scalar` in Unicode 8.0, `nil` for a scalar assigned later.
    private static func unicode8Category(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory? {
        if let category = unicode8Categories[scalar.value] { return category }
        guard isAssignedInUnicode8(scalar) else { return nil }
        return scalar.properties.generalCategory
    }

    /// True when `scalar` was assigned in Unicode 8.0 or earlier.
    static func isAssignedInUnicode8(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < categoryTableVersion.major
            || (age.major == categoryTableVersion.major && age.minor <= categoryTableVersion.minor)
    }

    /// BERT white space: tab, line feed and carriage return, plus the Unicode `White_Space` property.
    @inline(__always)
    static func isWhitespace(_ value: UInt32) -> Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return scalar.properties.isWhitespace
    }

    /// BERT control characters: categories Cc, Cf and Co, except tab, line feed and carriage return.
    @inline(__always)
    static func isControl(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x7F
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        switch unicode8Category(scalar) {
        case .control, .format, .privateUse: return true
        default: return false
        }
    }

    /// BERT punctuation: ASCII 33-47, 58-64, 91-96 and 123-126, plus Unicode categories P*.
    @inline(__always)
    static func isPunctuation(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (value >= 33 && value <= 47) || (value >= 58 && value <= 64)
                || (value >= 91 && value <= 96) || (value >= 123 && value <= 126)
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        switch unicode8Category(scalar) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// Non-spacing marks (category Mn), the marks that accent stripping removes.
    @inline(__always)
    static func isNonspacingMark(_ value: UInt32) -> Bool {
        if value < 0x300 { return false }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return unicode8Category(scalar) == .nonspacingMark
    }

    /// The CJK ideograph blocks that BERT surrounds with spaces (the ranges of Google's original
    /// `_is_chinese_char`, also used by `tokenizers`): U+4E00-9FFF, 3400-4DBF, 20000-2A6DF,
    /// 2A700-2B73F, 2B740-2B81F, 2B920-2CEAF, F900-FAFF, 2F800-2FA1F.
    @inline(__always)
    static func isChineseCharacter(_ value: UInt32) -> Bool {
        if value < 0x3400 { return false }
        return (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value) || (0x2A700...0x2B73F).contains(value)
            || (0x2B740...0x2B81F).contains(value) || (0x2B920...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }
}
