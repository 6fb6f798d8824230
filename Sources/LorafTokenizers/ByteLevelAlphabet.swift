/// GPT-2's byte-to-character table (`bytes_to_unicode` in OpenAI's encoder.py, used by HF
/// `tokenizers`' ByteLevel and llama.cpp): every byte gets a printable character so that a
/// byte-level vocabulary can be written as text. Bytes 33-126, 161-172 and 174-255 stand for
/// themselves; the other 68 bytes (control characters, space, 127-160, 173) take U+0100 onwards
/// in byte order, so a space is `Ġ` (U+0120) and a newline `Ċ` (U+010A).
enum ByteLevelAlphabet {
    /// The character of each byte, indexed by byte.
    static let characterOfByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if standsForItself(UInt8(byte)) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte of each character of the table (the inverse of `characterOfByte`).
    static let byteOfCharacter: [UInt32: UInt8] = {
        var inverse: [UInt32: UInt8] = [:]
        for (byte, scalar) in characterOfByte.enumerated() { inverse[scalar.value] = UInt8(byte) }
        return inverse
    }()

    private static func standsForItself(_ byte: UInt8) -> Bool {
        (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
    }

    /// The vocabulary spelling of raw bytes (`" the"` -> `"Ġthe"`).
    static func spelling<S: Sequence>(of bytes: S) -> String where S.Element == UInt8 {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(characterOfByte[Int(byte)]) }
        return String(text)
    }

    /// The bytes a vocabulary token spells, or `nil` when one of its characters is outside the
    /// table (an added token such as `<|im_start|>` written as plain text is decoded as its UTF-8).
    static func bytes(spelledBy token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byteOfCharacter[scalar.value] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
