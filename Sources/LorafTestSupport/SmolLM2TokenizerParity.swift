import Foundation

/// Tests/Fixtures/smollm2/tokenizer_parity.json: transformers' ids for 317 texts (`cases`) and for the rendered
/// fixture chats (`chat_templates`), read by the tokenizer tests of every target that has a SmolLM2 tokenizer.
public struct SmolLM2TokenizerParity: Decodable {
    public struct Case: Decodable {
        public let text: String
        public let ids: [Int]
    }
    public let cases: [Case]
    public let chatTemplates: [Case]

    enum CodingKeys: String, CodingKey {
        case cases
        case chatTemplates = "chat_templates"
    }

    /// Reads the fixture. - Throws: the file's read or JSON decoding error.
    public static func load() throws -> SmolLM2TokenizerParity {
        try JSONDecoder().decode(SmolLM2TokenizerParity.self,
                                 from: Data(contentsOf: fixturesDirectory.appendingPathComponent("smollm2/tokenizer_parity.json")))
    }
}
