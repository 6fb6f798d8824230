/// Gathers examples for a reader, resolving labels and honouring ``DatasetReadOptions/limit`` and
/// ``DatasetReadOptions/onBadLine``.
struct ExampleCollector {
    let labels: LabelResolver
    private let limit: Int
    private let policy: BadLinePolicy
    private(set) var examples: [TextExample] = []
    /// The malformed lines skipped under ``BadLinePolicy/skip``, in file order.
    private(set) var skipped: [DatasetError] = []

    init(options: DatasetReadOptions) {
        labels = LabelResolver(options: options)
        limit = options.limit ?? .max
        policy = options.onBadLine
    }

    /// Adds the example `make` builds from one line or record. A ``DatasetError/malformed(_:reason:)`` it throws
    /// stops the read (``BadLinePolicy/stop``) or is recorded in ``skipped`` (``BadLinePolicy/skip``).
    mutating func collect(_ make: (LabelResolver) throws -> TextExample) throws {
        do {
            examples.append(try make(labels))
        } catch let error as DatasetError {
            guard policy == .skip, case .malformed = error else { throw error }
            skipped.append(error)
        }
    }

    /// Whether the reader should stop because `limit` examples have been read.
    var isFull: Bool { examples.count >= limit }

    mutating func append(_ example: TextExample) { examples.append(example) }
}
