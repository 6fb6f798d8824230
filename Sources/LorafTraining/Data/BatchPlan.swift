import LorafTensor

/// How an epoch's examples are cut into batches of example indices. Independent of the tokenizer: length
/// grouping only needs each example's token count.
///
/// One epoch's order, drawn from a ``RandomGenerator`` (see ``batches(using:)``):
/// 1. indices `0..<exampleCount`, Fisher–Yates shuffled when ``shuffle`` is on;
/// 2. without length grouping: consecutive runs of ``batchSize``;
///    with ``LengthGrouping``: the list is cut into mega-batches of `megaBatchFactor × batchSize`, each
///    mega-batch is sorted by length, longest first (ties keep their shuffled order), cut into batches, and —
///    when ``shuffle`` is on — the order of all batches is shuffled, so batches hold similar lengths (little
///    padding) while the sequence of lengths over the epoch stays random;
/// 3. with ``dropLast``, the one batch smaller than ``batchSize`` (if any) is left out.
public struct BatchPlan: Sendable, Hashable, Codable {
    /// Batching by similar length.
    public struct LengthGrouping: Sendable, Hashable, Codable {
        /// The token count of every example, by index.
        public let lengths: [Int]
        /// Mega-batch size in batches.
        public let megaBatchFactor: Int

        public init(lengths: [Int], megaBatchFactor: Int = 50) {
            self.lengths = lengths
            self.megaBatchFactor = megaBatchFactor
        }
    }

    public let exampleCount: Int
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let lengthGrouping: LengthGrouping?

    /// - Parameters:
    ///   - exampleCount: examples per epoch (indices `0..<exampleCount`).
    ///   - batchSize: examples per batch.
    ///   - shuffle: draw a new random order every epoch (otherwise file order, and sorted mega-batches in order).
    ///   - dropLast: leave out the final smaller batch.
    ///   - lengthGrouping: per-example lengths for length-grouped batches, or `nil`.
    /// - Throws: ``BatchPlanError`` for a non-positive count or size, a length list of the wrong size or with
    ///   negative entries, a mega-batch factor below 1, or an epoch with no batch at all.
    public init(exampleCount: Int, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
                lengthGrouping: LengthGrouping? = nil) throws {
        guard exampleCount > 0 else { throw BatchPlanError.invalid("exampleCount must be positive, got \(exampleCount)") }
        guard batchSize > 0 else { throw BatchPlanError.invalid("batchSize must be positive, got \(batchSize)") }
        if dropLast, exampleCount < batchSize {
            throw BatchPlanError.invalid("dropLast with \(exampleCount) examples and batchSize \(batchSize) leaves no batch")
        }
        if let grouping = lengthGrouping {
            guard grouping.lengths.count == exampleCount else {
                throw BatchPlanError.invalid("lengthGrouping has \(grouping.lengths.count) lengths for \(exampleCount) examples")
            }
            if let index = grouping.lengths.firstIndex(where: { $0 < 0 }) {
                throw BatchPlanError.invalid("lengthGrouping.lengths[\(index)] is negative (\(grouping.lengths[index]))")
            }
            guard grouping.megaBatchFactor >= 1 else {
                throw BatchPlanError.invalid("megaBatchFactor must be at least 1, got \(grouping.megaBatchFactor)")
            }
        }
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.lengthGrouping = lengthGrouping
    }

    /// Batches per epoch: `⌊count / batchSize⌋` with ``dropLast``, `⌈count / batchSize⌉` without.
    public var batchesPerEpoch: Int {
        dropLast ? exampleCount / batchSize : (exampleCount + batchSize - 1) / batchSize
    }

    /// One epoch's batches of example indices, drawing randomness from `generator` (advanced only when
    /// ``shuffle`` is on). Every index appears once, except those of a dropped last batch.
    public func batches(using generator: inout RandomGenerator) -> [[Int]] {
        var order = Array(0..<exampleCount)
        if shuffle { generator.shuffle(&order) }
        var batches = lengthGrouping.map { lengthSortedBatches(of: order, grouping: $0) } ?? chunks(of: order[...])
        if dropLast, let last = batches.last, last.count < batchSize { batches.removeLast() }
        if shuffle, lengthGrouping != nil { generator.shuffle(&batches) }
        return batches
    }

    /// Cuts `order` into mega-batches, sorts each by length (longest first, ties in `order`), and batches it.
    private func lengthSortedBatches(of order: [Int], grouping: LengthGrouping) -> [[Int]] {
        let megaBatchSize = grouping.megaBatchFactor * batchSize
        return stride(from: 0, to: order.count, by: megaBatchSize).flatMap { start -> [[Int]] in
            let sorted = order[start..<min(start + megaBatchSize, order.count)].enumerated().sorted { a, b in
                let (lengthA, lengthB) = (grouping.lengths[a.element], grouping.lengths[b.element])
                return lengthA != lengthB ? lengthA > lengthB : a.offset < b.offset
            }
            return chunks(of: sorted.map(\.element)[...])
        }
    }

    private func chunks(of indices: ArraySlice<Int>) -> [[Int]] {
        stride(from: indices.startIndex, to: indices.endIndex, by: batchSize).map {
            Array(indices[$0..<min($0 + batchSize, indices.endIndex)])
        }
    }
}

/// Errors building a ``BatchPlan`` or restoring a ``BatchSampler``.
public enum BatchPlanError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case let .invalid(reason): return "invalid batch plan: \(reason)"
        }
    }
}
