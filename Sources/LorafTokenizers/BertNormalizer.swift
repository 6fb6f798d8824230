/// The options of Hugging Face's `BertNormalizer` (tokenizer.json field `normalizer`).
public struct BertNormalizerOptions: Equatable, Sendable {
    /// Remove control characters, U+0000 and U+FFFD; turn every white-space character into a space.
    public var cleanText: Bool
    /// Put a space on each side of every CJK ideograph.
    public var handleChineseCharacters: Bool
    /// Decompose (NFD) and drop non-spacing marks. `nil` means "same as `lowercase`" (the HF rule).
    public var stripAccents: Bool?
    /// Map every scalar to its full Unicode lower-case mapping.
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true,
                stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }
}

/// BERT text normalization over Unicode scalars, in the order of HF `BertNormalizer`:
/// clean text, space out CJK ideographs, strip accents (NFD, then drop Mn), lower-case.
///
/// The output is a scalar buffer plus, for each output scalar, the index of the input scalar
/// (in the caller's numbering) that produced it, so tokens can be mapped back to the text.
struct BertNormalizer: Sendable {
    let options: BertNormalizerOptions

    private var stripsAccents: Bool { options.stripAccents ?? options.lowercase }

    /// Normalizes `input` (scalar values; `firstOrigin` is the index of its first scalar in the
    /// whole text) and appends the result to `output` / `origins`.
    func normalize(_ input: ArraySlice<UInt32>, firstOrigin: Int,
                   into output: inout [UInt32], origins: inout [Int32]) {
        var spaced: [UInt32] = []
        var spacedOrigins: [Int32] = []
        spaced.reserveCapacity(input.count + 8)
        spacedOrigins.reserveCapacity(input.count + 8)
        var origin = Int32(firstOrigin)
        for var value in input {
            defer { origin += 1 }
            if options.cleanText {
                if value == 0 || value == 0xFFFD || BertCharacterClasses.isControl(value) { continue }
                if BertCharacterClasses.isWhitespace(value) { value = 0x20 }
            }
            let isSpacedOut = options.handleChineseCharacters && BertCharacterClasses.isChineseCharacter(value)
            if isSpacedOut {
                spaced.append(0x20)
                spacedOrigins.append(origin)
            }
            if stripsAccents {
                CanonicalDecomposition.appendDecomposition(of: value, origin: origin,
                                                           to: &spaced, origins: &spacedOrigins)
            } else {
                spaced.append(value)
                spacedOrigins.append(origin)
            }
            if isSpacedOut {
                spaced.append(0x20)
                spacedOrigins.append(origin)
            }
        }
        if stripsAccents { CanonicalDecomposition.applyCanonicalOrdering(&spaced, origins: &spacedOrigins) }
        for (value, origin) in zip(spaced, spacedOrigins) {
            if stripsAccents, BertCharacterClasses.isNonspacingMark(value) { continue }
            if options.lowercase {
                appendLowercased(value, origin: origin, to: &output, origins: &origins)
            } else {
                output.append(value)
                origins.append(origin)
            }
        }
    }

    /// Appends the full lower-case mapping of one scalar (no context: a final sigma stays σ,
    /// as in Rust's `char::to_lowercase`, which HF applies scalar by scalar).
    @inline(__always)
    private func appendLowercased(_ value: UInt32, origin: Int32,
                                  to output: inout [UInt32], origins: inout [Int32]) {
        if value < 0x80 {
            output.append(value >= 0x41 && value <= 0x5A ? value + 0x20 : value)
            origins.append(origin)
            return
        }
        guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else {
            output.append(value)
            origins.append(origin)
            return
        }
        for part in scalar.properties.lowercaseMapping.unicodeScalars {
            output.append(part.value)
            origins.append(origin)
        }
    }
}
