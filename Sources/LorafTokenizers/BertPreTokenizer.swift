/// HF `BertPreTokenizer`: split on white space (which is dropped), then split every
/// punctuation scalar off as a word of its own.
enum BertPreTokenizer {
    /// Appends the index range of every word of `scalars[range]` to `words`.
    static func appendWords(of scalars: [UInt32], in range: Range<Int>, to words: inout [Range<Int>]) {
        var wordStart: Int? = nil
        for index in range {
            let value = scalars[index]
            let isSpace = BertCharacterClasses.isWhitespace(value)
            if isSpace || BertCharacterClasses.isPunctuation(value) {
                if let start = wordStart { words.append(start..<index) }
                wordStart = nil
                if !isSpace { words.append(index..<(index + 1)) }
            } else if wordStart == nil {
                wordStart = index
            }
        }
        if let start = wordStart { words.append(start..<range.upperBound) }
    }
}
