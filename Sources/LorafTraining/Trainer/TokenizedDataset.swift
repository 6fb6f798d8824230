import LorafModels
import LorafTensor
import LorafTokenizers

/// A classification dataset tokenized once, and batches built from it with dynamic padding (each batch padded
/// to its own longest sequence, not to max_length).
public struct TokenizedDataset {
    /// Token ids ([CLS] ... [SEP] ...), token type ids and the label of each example.
    public let ids: [[Int]]
    public let typeIds: [[Int]]
    public let labels: [Int]
    public let padId: Int

    /// Tokenizes every example (pairs as `text`, `text_pair`), truncating to `maxLength` tokens.
    /// - Throws: `TrainingError.data` naming the file and line of an example the tokenizer rejects.
    public init(_ dataset: TextClassificationDataset, tokenizer: WordPieceTokenizer, maxLength: Int) throws {
        var ids: [[Int]] = [], types: [[Int]] = []
        ids.reserveCapacity(dataset.count)
        types.reserveCapacity(dataset.count)
        for example in dataset.examples {
            do {
                let encoding = try tokenizer.encode(example.text, pair: example.textPair, maxLength: maxLength)
                ids.append(encoding.ids)
                types.append(encoding.tokenTypeIds)
            } catch {
                throw TrainingError.data("\(example.source.map { "\($0)" } ?? "example"): \(error)")
            }
        }
        self.ids = ids
        typeIds = types
        labels = dataset.labels
        padId = tokenizer.specialTokenIds.pad
    }

    /// Number of examples.
    public var count: Int { ids.count }
    /// Token count of each example (for length-grouped batches and tokens/s).
    public var lengths: [Int] { ids.map(\.count) }

    /// The examples at `indices` as one right-padded batch [B, S] with S the longest among them, their labels [B]
    /// and the number of real (non-padding) tokens.
    public func batch(_ indices: [Int]) throws -> (input: ModelInput, labels: IntTensor, tokens: Int) {
        let seq = indices.map { ids[$0].count }.max() ?? 0
        var inputIds = [Int](repeating: padId, count: indices.count * seq)
        var mask = [Int](repeating: 0, count: indices.count * seq)
        var types = [Int](repeating: 0, count: indices.count * seq)
        var tokens = 0
        for (row, index) in indices.enumerated() {
            let n = ids[index].count
            tokens += n
            for j in 0..<n {
                inputIds[row * seq + j] = ids[index][j]
                types[row * seq + j] = typeIds[index][j]
                mask[row * seq + j] = 1
            }
        }
        let shape = [indices.count, seq]
        let input = try ModelInput(inputIds: IntTensor(shape: shape, scalars: inputIds),
                                     attentionMask: IntTensor(shape: shape, scalars: mask),
                                     tokenTypeIds: IntTensor(shape: shape, scalars: types))
        return (input, try IntTensor(shape: [indices.count], scalars: indices.map { labels[$0] }), tokens)
    }
}
