/// Turns ids that arrive one at a time (generation) into text, giving back only complete UTF-8:
/// a character whose bytes are split across tokens (an emoji, a CJK character in byte-level
/// BPE, byte-fallback tokens in SentencePiece) comes out whole once its last byte arrives.
///
/// ```swift
/// var stream = StreamingDecoder(tokenizer: tokenizer)
/// for id in generatedIds { print(try stream.append(id), terminator: "") }
/// print(stream.finish())
/// ```
///
/// It decodes a small window of recent ids and emits the bytes past those already given back,
/// so context-dependent decoding (SentencePiece's first-token space, WordPiece's `##` joins)
/// stays right: the concatenated output equals `decode(allIds)` for BPE and SentencePiece. The
/// window restarts after every fully emitted token, so the cost per id stays constant.
public struct StreamingDecoder {
    public let tokenizer: any Tokenizer
    public let skipSpecialTokens: Bool

    /// Ids fed so far that still matter: the last fully emitted one (context) and any after it.
    private var window: [Int] = []
    /// Bytes of `decodedBytes(window)` already given back (or belonging to the context id).
    private var emittedBytes = 0

    public init(tokenizer: any Tokenizer, skipSpecialTokens: Bool = true) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds one id; returns the text that is now complete (often empty while a character is cut).
    /// - Throws: `TokenizerError.invalidArgument` for an id outside the vocabulary (the id is not kept).
    public mutating func append(_ id: Int) throws -> String {
        let bytes = try tokenizer.decodedBytes(window + [id], skipSpecialTokens: skipSpecialTokens)
        window.append(id)
        let start = min(emittedBytes, bytes.count)
        let complete = UTF8Completion.completeLength(of: bytes, from: start)
        let text = String(decoding: bytes[start..<(start + complete)], as: UTF8.self)
        emittedBytes = start + complete
        if emittedBytes == bytes.count {
            // Everything is out: keep the last id as context for the next one.
            window = [id]
            emittedBytes = (try? tokenizer.decodedBytes(window, skipSpecialTokens: skipSpecialTokens).count) ?? 0
        }
        return text
    }

    /// Gives back what is still held (an unfinished character becomes U+FFFD) and starts over.
    public mutating func finish() -> String {
        let bytes = (try? tokenizer.decodedBytes(window, skipSpecialTokens: skipSpecialTokens)) ?? []
        let start = min(emittedBytes, bytes.count)
        window = []
        emittedBytes = 0
        return String(decoding: bytes[start...], as: UTF8.self)
    }
}
