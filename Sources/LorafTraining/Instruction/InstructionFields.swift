import LorafTemplates

/// Turns one JSON object into an ``InstructionRecord`` of a given format, with an error naming the field
/// (and the message index inside a conversation) for anything missing, mistyped or unknown.
enum InstructionFields {
    /// ShareGPT's `from` values and the roles they become.
    static let shareGPTRoles = ["system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"]
    /// Roles a `messages` record may use.
    static let messageRoles: Set<String> = ["system", "user", "assistant"]

    /// - Throws: ``DatasetError/malformed(_:reason:)`` at `location`.
    static func record(_ object: TemplateDictionary, format: InstructionFormat, at location: SourceLocation) throws -> InstructionRecord {
        let content: InstructionContent
        switch format {
        case .messages:
            content = .chat(try conversation(object, key: "messages", roleKey: "role", contentKey: "content",
                                             roles: Dictionary(uniqueKeysWithValues: messageRoles.map { ($0, $0) }), at: location))
        case .sharegpt:
            content = .chat(try conversation(object, key: "conversations", roleKey: "from", contentKey: "value",
                                             roles: shareGPTRoles, at: location))
        case .promptCompletion:
            content = .promptCompletion(prompt: try string("prompt", in: object, at: location),
                                        completion: try string("completion", in: object, at: location))
        case .text:
            content = .text(try string("text", in: object, at: location))
        case .alpaca:
            let instruction = try string("instruction", in: object, at: location)
            let input = try optionalString("input", in: object, at: location) ?? ""
            let output = try string("output", in: object, at: location)
            content = .chat([ChatMessage(role: "user", content: input.isEmpty ? instruction : instruction + "\n\n" + input),
                             ChatMessage(role: "assistant", content: output)])
        }
        return InstructionRecord(content: content, source: location)
    }

    private static func conversation(_ object: TemplateDictionary, key: String, roleKey: String, contentKey: String,
                                     roles: [String: String], at location: SourceLocation) throws -> [ChatMessage] {
        guard let value = object[key] else { throw DatasetError.malformed(location, reason: "missing field '\(key)'") }
        guard case let .array(items) = value, !items.isEmpty else {
            throw DatasetError.malformed(location, reason: "field '\(key)' is \(kind(of: value)), expected a non-empty list of messages")
        }
        return try items.enumerated().map { index, item in
            let field = "\(key)[\(index)]"
            guard case let .dictionary(message) = item else {
                throw DatasetError.malformed(location, reason: "\(field) is \(kind(of: item)), expected an object")
            }
            let name = try string(roleKey, in: message, at: location, field: "\(field).\(roleKey)")
            guard let role = roles[name] else {
                throw DatasetError.malformed(location, reason: "\(field).\(roleKey) is '\(name)', expected one of \(roles.keys.sorted().joined(separator: ", "))")
            }
            return ChatMessage(role: role, content: try string(contentKey, in: message, at: location, field: "\(field).\(contentKey)"))
        }
    }

    private static func string(_ key: String, in object: TemplateDictionary, at location: SourceLocation, field: String? = nil) throws -> String {
        guard let value = try optionalString(key, in: object, at: location, field: field) else {
            throw DatasetError.malformed(location, reason: "missing field '\(field ?? key)'")
        }
        return value
    }

    /// The string under `key`; nil when absent or null.
    private static func optionalString(_ key: String, in object: TemplateDictionary, at location: SourceLocation, field: String? = nil) throws -> String? {
        switch object[key] {
        case nil, .none?: return nil
        case let .string(text)?: return text
        case let other?: throw DatasetError.malformed(location, reason: "field '\(field ?? key)' is \(kind(of: other)), expected a string")
        }
    }

    /// The JSON type name of `value`, for messages.
    static func kind(of value: TemplateValue) -> String {
        switch value {
        case .none: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .dictionary: return "an object"
        }
    }
}
