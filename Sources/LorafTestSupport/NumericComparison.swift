/// The largest |a[i] − b[i]| over the positions `i` (up to the shorter length) where `keep(i)` is true;
/// 0 when there are none.
public func maxAbsDifference(_ a: [Float], _ b: [Float], keep: (Int) -> Bool = { _ in true }) -> Float {
    var worst: Float = 0
    for i in 0..<min(a.count, b.count) where keep(i) { worst = max(worst, abs(a[i] - b[i])) }
    return worst
}
