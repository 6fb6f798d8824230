import LorafTokenizers

/// Turns one row's generated ids into text as they arrive; ``TextGenerator`` keeps one per row, so each id is
/// decoded once (not the whole row again at every step).
public protocol RowTextDecoder {
    /// Adds one id; returns the text it completes (empty while a character's bytes are still cut).
    /// - Throws: for an id the decoder cannot take (outside the vocabulary).
    mutating func append(_ id: Int) throws -> String
    /// The text still held back at the end (an unfinished character becomes U+FFFD).
    mutating func finish() -> String
}

/// A tokenizer's streaming decoder (complete UTF-8 only; special tokens left out when it was made so).
extension StreamingDecoder: RowTextDecoder {}
