extension Parallel {
    /// Runs `body(range)` over 0..<count split into ranges of about `grain` items, in parallel when there are several
    /// (see ``forEach(chunks:body:)``). The ranges, hence any per-range result, do not depend on the thread count.
    public static func forEach(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = (count + max(grain, 1) - 1) / max(grain, 1)
        let size = (count + chunks - 1) / chunks
        forEach(chunks: chunks) { chunk in
            let start = chunk * size
            if start < count { body(start..<min(count, start + size)) }
        }
    }
}
