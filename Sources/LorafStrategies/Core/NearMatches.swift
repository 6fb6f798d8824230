/// "Did you mean" suggestions for a name that matched nothing (a target module, a pattern entry).
public enum NearMatches {
    /// Up to `limit` distinct names close to `name`: the dotted segments and path suffixes of `candidates`
    /// within an edit distance of a third of the name's length (at least 2), closest first, then alphabetically.
    public static func suggestions(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        var names = Set<String>()
        for path in candidates {
            let segments = path.split(separator: ".").map(String.init)
            for start in segments.indices { names.insert(segments[start...].joined(separator: ".")) }
            names.formUnion(segments)
        }
        let threshold = max(2, name.count / 3)
        return names.map { ($0, editDistance(name, $0)) }
            .filter { $0.1 <= threshold && $0.0 != name }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(limit).map(\.0)
    }

    /// Levenshtein distance between `a` and `b` (insertions, deletions and substitutions of characters).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + [Int](repeating: 0, count: y.count)
            for j in stride(from: 1, through: y.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
