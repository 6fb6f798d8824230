/// Runs `body(range)` over 0..<count split into ranges of about `grain` items, in parallel when there are
/// several (see `Parallel.forEach`).
func forEachRange(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = (count + grain - 1) / grain
    let size = (count + chunks - 1) / chunks
    Parallel.forEach(chunks: chunks) { chunk in
        let start = chunk * size
        if start < count { body(start..<min(count, start + size)) }
    }
}
