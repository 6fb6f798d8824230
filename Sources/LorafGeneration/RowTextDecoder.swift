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

/// A row decoder over a whole-sequence `decode` (ids → text): each id decodes the row so far again and gives back
/// what is new, holding back a trailing U+FFFD (a character still cut) until `finish`. Quadratic in the row's
/// length: for callers that have only such a function (``TextGenerator/init(model:padTokenId:decode:)``).
public struct RedecodingRowDecoder: RowTextDecoder {
    public let decode: ([Int]) -> String
    private var ids: [Int] = []
    private var emitted = ""

    public init(decode: @escaping ([Int]) -> String) { self.decode = decode }

    public mutating func append(_ id: Int) -> String {
        ids.append(id)
        var full = decode(ids)
        if full.hasSuffix("\u{FFFD}") { full.removeLast() }
        return take(full)
    }

    public mutating func finish() -> String { take(decode(ids)) }

    /// The part of `full` past what was given back (nothing when `full` does not extend it).
    private mutating func take(_ full: String) -> String {
        guard full.count > emitted.count, full.hasPrefix(emitted) else { return "" }
        let piece = String(full.dropFirst(emitted.count))
        emitted = full
        return piece
    }
}
