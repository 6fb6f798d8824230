import Foundation

/// A thread-safe memo of the ids of each pre-tokenized word (its UTF-8 bytes), shared by all
/// copies of a tokenizer. Text repeats words, so most words skip the merge loop. Words longer
/// than `maxWordBytes` are not kept, and the cache is emptied when it reaches `capacity` words,
/// which bounds its memory to about `capacity * maxWordBytes` bytes.
final class WordCache: @unchecked Sendable {
    private var entries: [[UInt8]: [Int32]] = [:]
    private let lock = NSLock()
    private let capacity: Int
    private let maxWordBytes: Int

    init(capacity: Int = 1 << 16, maxWordBytes: Int = 256) {
        self.capacity = capacity
        self.maxWordBytes = maxWordBytes
    }

    /// The cached ids of `word`, else `compute(word)`, stored for next time.
    func ids(of word: [UInt8], compute: ([UInt8]) -> [Int32]) -> [Int32] {
        guard word.count <= maxWordBytes else { return compute(word) }
        lock.lock()
        let cached = entries[word]
        lock.unlock()
        if let cached { return cached }
        let ids = compute(word)
        lock.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[word] = ids
        lock.unlock()
        return ids
    }
}
