/// Gathers examples for a reader, resolving labels and honouring ``DatasetReadOptions/limit``.
struct ExampleCollector {
    let labels: LabelResolver
    private let limit: Int
    private(set) var examples: [TextExample] = []

    init(options: DatasetReadOptions) {
        labels = LabelResolver(options: options)
        limit = options.limit ?? .max
    }

    /// Whether the reader should stop because `limit` examples have been read.
    var isFull: Bool { examples.count >= limit }

    mutating func append(_ example: TextExample) { examples.append(example) }
}
