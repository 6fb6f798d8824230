/// Classification metrics over predicted and true class ids.
public enum ClassificationMetrics {
    /// The fraction of predictions equal to their label, in `0...1`.
    /// - Throws: ``MetricsError`` when the arrays are empty or of different lengths.
    public static func accuracy(predictions: [Int], labels: [Int]) throws -> Double {
        try checkPairs(predictions: predictions, labels: labels)
        let correct = zip(predictions, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return Double(correct) / Double(labels.count)
    }

    /// Macro-averaged F1, as scikit-learn's `f1_score(labels, predictions, average="macro")` with its default
    /// `zero_division`: the unweighted mean over every class that occurs in `labels` or `predictions` of
    /// `F1 = 2·P·R / (P + R)`, where `P = tp / (tp + fp)` and `R = tp / (tp + fn)`; an undefined `P`, `R` or
    /// `F1` (zero denominator) counts as 0. Classes that occur in neither array are not averaged.
    /// - Returns: a value in `0...1`.
    /// - Throws: ``MetricsError`` when the arrays are empty or of different lengths.
    public static func macroF1(predictions: [Int], labels: [Int]) throws -> Double {
        try checkPairs(predictions: predictions, labels: labels)
        var counts: [Int: (truePositives: Int, falsePositives: Int, falseNegatives: Int)] = [:]
        for (predicted, actual) in zip(predictions, labels) {
            if predicted == actual {
                counts[actual, default: (0, 0, 0)].truePositives += 1
            } else {
                counts[predicted, default: (0, 0, 0)].falsePositives += 1
                counts[actual, default: (0, 0, 0)].falseNegatives += 1
            }
        }
        let scores = counts.keys.sorted().map { counts[$0, default: (0, 0, 0)] }.map { count -> Double in
            let precision = ratio(count.truePositives, count.truePositives + count.falsePositives)
            let recall = ratio(count.truePositives, count.truePositives + count.falseNegatives)
            return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        }
        return scores.reduce(0, +) / Double(scores.count)
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator > 0 ? Double(numerator) / Double(denominator) : 0
    }

    private static func checkPairs(predictions: [Int], labels: [Int]) throws {
        guard !labels.isEmpty else { throw MetricsError.empty }
        guard predictions.count == labels.count else {
            throw MetricsError.countMismatch(predictions: predictions.count, labels: labels.count)
        }
    }
}

/// Errors computing ``ClassificationMetrics``.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    case empty
    case countMismatch(predictions: Int, labels: Int)

    public var description: String {
        switch self {
        case .empty: return "cannot compute a metric over no examples"
        case let .countMismatch(predictions, labels): return "\(predictions) predictions for \(labels) labels"
        }
    }
}
