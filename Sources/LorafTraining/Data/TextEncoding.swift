/// The character encoding a data file is declared to use.
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    /// UTF-8 (the default). Invalid byte sequences are an error naming the file and line.
    case utf8
    /// ISO-8859-1: every byte is the Unicode scalar of the same value, so decoding never fails.
    case latin1

    /// Decodes one line's bytes.
    /// - Returns: the text, or `.failure` with a reason naming the first invalid byte and its 1-based column.
    func decode(_ bytes: UnsafeRawBufferPointer) -> Result<String, LineDecodingFailure> {
        switch self {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
            return .failure(LineDecodingFailure(firstInvalidUTF8In: bytes))
        case .latin1:
            if !bytes.contains(where: { $0 >= 0x80 }) { return .success(String(decoding: bytes, as: UTF8.self)) }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
            return .success(String(scalars))
        }
    }
}

/// Why a line's bytes are not valid in the declared encoding.
struct LineDecodingFailure: Error {
    let reason: String

    /// Locates the first byte that does not start or continue a valid UTF-8 sequence.
    init(firstInvalidUTF8In bytes: UnsafeRawBufferPointer) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: break decoding
            }
        }
        let byte = offset < bytes.count ? bytes[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        reason = "invalid UTF-8: byte 0x\(hex.count < 2 ? "0" + hex : hex) at column \(offset + 1)"
            + " (declare encoding latin1 if the file is ISO-8859-1)"
    }
}
