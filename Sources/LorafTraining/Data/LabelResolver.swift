/// Turns a label as written in a file (an integer class id, or a class name from
/// ``DatasetReadOptions/labelNames``) into a checked class id.
struct LabelResolver {
    private let idsByName: [String: Int]
    private let names: [String]
    private let numLabels: Int?

    init(options: DatasetReadOptions) {
        names = options.labelNames ?? []
        idsByName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        numLabels = options.numLabels ?? options.labelNames?.count
    }

    /// Resolves a label written as text: a class name first, then a base-10 integer.
    /// - Throws: ``DatasetError/malformed(_:reason:)`` at `location` for an empty, unknown, non-integer or
    ///   out-of-range label.
    func resolve<S: StringProtocol>(_ raw: S, at location: SourceLocation) throws -> Int {
        if raw.isEmpty { throw DatasetError.malformed(location, reason: "no label") }
        if let id = idsByName[String(raw)] { return id }
        guard let id = Int(raw) else {
            let known = names.isEmpty ? "" : " nor one of the label names \(names)"
            throw DatasetError.malformed(location, reason: "label '\(raw)' is not an integer\(known)")
        }
        return try check(id, at: location)
    }

    /// Checks an integer class id against `0..<numLabels` (or `0...` when the class count is unknown).
    /// - Throws: ``DatasetError/malformed(_:reason:)`` at `location` when out of range.
    func check(_ id: Int, at location: SourceLocation) throws -> Int {
        if id < 0 { throw DatasetError.malformed(location, reason: "label \(id) is negative") }
        if let numLabels, id >= numLabels {
            throw DatasetError.malformed(location, reason: "label \(id) is outside 0..<\(numLabels) (numLabels = \(numLabels))")
        }
        return id
    }
}
