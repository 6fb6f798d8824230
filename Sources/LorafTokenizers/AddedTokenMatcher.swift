/// Finds the added (special) tokens, such as `[CLS]` or `[MASK]`, written literally in the raw
/// text, before normalization, as HF does for added tokens with `normalized: false`: at each
/// position the longest token that matches wins, scanning left to right.
struct AddedTokenMatcher: Sendable {
    /// A piece of the raw text: either ordinary text, or an added token with its id.
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(id: Int, range: Range<Int>)
    }

    private let patterns: [(scalars: [UInt32], id: Int)]
    private let firstScalars: Set<UInt32>

    init(tokens: [(content: String, id: Int)]) {
        patterns = tokens.map { (Array($0.content.unicodeScalars.map(\.value)), $0.id) }
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
        firstScalars = Set(patterns.map { $0.scalars[0] })
    }

    /// Splits `scalars` into text segments and added-token segments, in order.
    func segments(of scalars: [UInt32]) -> [Segment] {
        var result: [Segment] = []
        var textStart = 0
        var index = 0
        while index < scalars.count {
            guard firstScalars.contains(scalars[index]), let match = longestMatch(in: scalars, at: index) else {
                index += 1
                continue
            }
            if textStart < index { result.append(.text(textStart..<index)) }
            result.append(.token(id: match.id, range: index..<(index + match.length)))
            index += match.length
            textStart = index
        }
        if textStart < scalars.count { result.append(.text(textStart..<scalars.count)) }
        return result
    }

    private func longestMatch(in scalars: [UInt32], at start: Int) -> (length: Int, id: Int)? {
        for pattern in patterns where start + pattern.scalars.count <= scalars.count {
            if scalars[start..<(start + pattern.scalars.count)].elementsEqual(pattern.scalars) {
                return (pattern.scalars.count, pattern.id)
            }
        }
        return nil
    }
}
