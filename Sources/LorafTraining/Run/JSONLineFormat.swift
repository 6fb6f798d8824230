/// Pieces of hand-written JSON for one-line records whose key order must stay as written.
enum JSONLineFormat {
    /// A JSON number for `value`: the shortest text that reads back to the same Double (`0.5`, `1e-05`, `3.0`);
    /// `null` for NaN and infinities, which JSON cannot express.
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// A JSON object with the members in the given order, on one line without spaces.
    static func object(_ members: [(key: String, value: String)]) -> String {
        "{" + members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }
}
