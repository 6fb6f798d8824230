/// Writes a safetensors header the way the reference implementation (serde_json,
/// compact) does, so files are byte-identical to the Python package's.
enum HeaderJSONEncoding {
    struct Placement {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// `{"__metadata__":{...},"name":{"dtype":"F32","shape":[..],"data_offsets":[b,e]},...}`
    /// followed by spaces up to a multiple of 8 bytes, so the data area (after the
    /// 8-byte length prefix) starts 8-aligned. Metadata keys are sorted; the
    /// metadata object is omitted when empty.
    static func header(_ placements: [Placement], metadata: [String: String]) -> [UInt8] {
        var json = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + quoted($0.value) }
            members.append(quoted(SafeTensorsHeader.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        for placement in placements {
            let shape = placement.shape.map(String.init).joined(separator: ",")
            members.append(quoted(placement.name) + ":{\"dtype\":" + quoted(placement.dtype.rawValue)
                           + ",\"shape\":[" + shape + "],\"data_offsets\":[\(placement.begin),\(placement.end)]}")
        }
        json += members.joined(separator: ",") + "}"
        var bytes = Array(json.utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// A JSON string literal, escaping as serde_json does: `"` `\` and the control
    /// characters (short forms where JSON has them, else `\u00xx`); other text is raw UTF-8.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
