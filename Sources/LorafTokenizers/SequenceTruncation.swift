/// Cutting one text or a pair of texts so that, with the special tokens, they fit a maximum
/// length. The pair rule is HF `tokenizers`' `truncate_encodings` (utils/truncation.rs).
enum SequenceTruncation {
    /// Truncates `first` (and `second`) so that their lengths plus `specialTokenCount` are at most
    /// `settings.maxLength`. Throws `invalidArgument` when that is impossible.
    static func apply(_ settings: TruncationSettings, specialTokenCount: Int,
                      first: inout TokenizedText, second: inout TokenizedText?) throws {
        let budget = settings.maxLength - specialTokenCount
        guard budget >= 0 else {
            throw TokenizerError.invalidArgument(
                name: "maxLength",
                reason: "\(settings.maxLength) is less than the \(specialTokenCount) special tokens to add")
        }
        guard var pair = second else {
            first.truncate(to: budget, direction: settings.direction)
            return
        }
        let total = first.count + pair.count
        guard total > budget else { return }
        switch settings.strategy {
        case .longestFirst:
            let lengths = longestFirstLengths(first.count, pair.count, budget: budget)
            first.truncate(to: lengths.first, direction: settings.direction)
            pair.truncate(to: lengths.second, direction: settings.direction)
        case .onlyFirst:
            try cut(&first, by: total - budget, name: "first text")
            first.truncate(to: first.count - (total - budget), direction: settings.direction)
        case .onlySecond:
            try cut(&pair, by: total - budget, name: "pair text")
            pair.truncate(to: pair.count - (total - budget), direction: settings.direction)
        }
        second = pair
    }

    /// Checks that `text` has more than `excess` tokens, so that cutting it alone is enough.
    private static func cut(_ text: inout TokenizedText, by excess: Int, name: String) throws {
        guard text.count > excess else {
            throw TokenizerError.invalidArgument(
                name: "maxLength",
                reason: "the \(name) has \(text.count) tokens, too few to remove the \(excess) over the limit")
        }
    }

    /// HF's longest-first split of `budget` between two lengths: the shorter keeps its length
    /// when the longer can take the rest; otherwise both get half (the longer the odd token).
    private static func longestFirstLengths(_ firstCount: Int, _ secondCount: Int,
                                            budget: Int) -> (first: Int, second: Int) {
        let swapped = firstCount > secondCount
        var shorter = min(firstCount, secondCount)
        var longer: Int
        if shorter > budget {
            longer = shorter
        } else {
            longer = max(shorter, budget - shorter)
        }
        if shorter + longer > budget {
            shorter = budget / 2
            longer = shorter + budget % 2
        }
        return swapped ? (longer, shorter) : (shorter, longer)
    }
}
