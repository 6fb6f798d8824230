/// Where complete UTF-8 ends in a byte buffer that may stop in the middle of a character.
enum UTF8Completion {
    /// The length of the longest prefix of `bytes[start...]` (counted from `start`) that does not
    /// end inside a character that later bytes could still complete. Invalid sequences (a stray
    /// continuation byte, an impossible lead or second byte) are included, since no later byte
    /// can make them valid; they decode to U+FFFD. Bounds for the second byte follow the
    /// Unicode Standard's table 3-7 (well-formed UTF-8 byte sequences).
    static func completeLength(of bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let lead = bytes[index]
            let needed: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: needed = 1
            case 0xE0: needed = 2; secondRange = 0xA0...0xBF
            case 0xED: needed = 2; secondRange = 0x80...0x9F
            case 0xE1...0xEC, 0xEE...0xEF: needed = 2
            case 0xF0: needed = 3; secondRange = 0x90...0xBF
            case 0xF1...0xF3: needed = 3
            case 0xF4: needed = 3; secondRange = 0x80...0x8F
            default: index += 1; continue  // 0x80-0xC1, 0xF5-0xFF: never valid
            }
            var matched = 0
            while matched < needed, index + 1 + matched < bytes.count {
                let byte = bytes[index + 1 + matched]
                guard (matched == 0 ? secondRange : 0x80...0xBF).contains(byte) else { break }
                matched += 1
            }
            if matched == needed {
                index += 1 + needed
            } else if index + 1 + matched == bytes.count {
                return index - start  // a valid beginning cut off by the end: wait for more bytes
            } else {
                index += 1 + matched  // invalid: the maximal subpart becomes one U+FFFD
            }
        }
        return index - start
    }
}
