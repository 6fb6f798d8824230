import Foundation

/// Reading a file and decoding JSON with errors that name the file and the field.
enum JSONFileReading {
    /// The bytes of `url`; throws `missingFile` or `unreadableFile`.
    static func contents(of url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TokenizerError.missingFile(path: url.path)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Decodes `type` from the JSON file at `url`, turning decoding failures into
    /// `malformedField` (with the dotted field path) or `unreadableFile` (for invalid JSON).
    static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data = try contents(of: url)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw describe(error, path: url.path)
        }
    }

    private static func fieldName(_ codingPath: [CodingKey]) -> String {
        let name = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            .joined(separator: ".")
        return name.isEmpty ? "(top level)" : name.replacingOccurrences(of: ".[", with: "[")
    }

    private static func describe(_ error: DecodingError, path: String) -> TokenizerError {
        switch error {
        case let .keyNotFound(key, context):
            return .malformedField(path: path, field: fieldName(context.codingPath + [key]),
                                   reason: "required field is missing")
        case let .typeMismatch(expected, context):
            return .malformedField(path: path, field: fieldName(context.codingPath),
                                   reason: "expected a value of type \(expected)")
        case let .valueNotFound(expected, context):
            return .malformedField(path: path, field: fieldName(context.codingPath),
                                   reason: "expected a value of type \(expected), found null")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                return .unreadableFile(path: path, reason: "not valid JSON (\(context.debugDescription))")
            }
            return .malformedField(path: path, field: fieldName(context.codingPath),
                                   reason: context.debugDescription)
        @unknown default:
            return .unreadableFile(path: path, reason: "\(error)")
        }
    }
}
