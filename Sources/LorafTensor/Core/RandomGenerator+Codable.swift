/// The state is `Codable` as `{"state": [four 16-digit hexadecimal strings]}`, readable by any JSON reader
/// without 64-bit integer precision loss.
extension RandomGenerator: Codable {
    private enum CodingKeys: String, CodingKey { case state }

    /// - Throws: `DecodingError.dataCorrupted` unless `state` holds four hexadecimal 64-bit words, not all zero.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([String].self, forKey: .state)
        let values = words.compactMap { UInt64($0, radix: 16) }
        guard words.count == 4, values.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container,
                debugDescription: "expected 4 hexadecimal 64-bit words, got \(words)")
        }
        do {
            try self.init(state: values)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let words = state.map { word -> String in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        try container.encode(words, forKey: .state)
    }
}
