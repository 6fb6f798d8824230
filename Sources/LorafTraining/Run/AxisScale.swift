import Foundation

/// A linear plot axis over a data range, widened to "nice" round tick values (1, 2 or 5 times a power of ten;
/// Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
struct AxisScale: Equatable {
    /// The axis range, from the first tick to the last.
    let lower: Double
    let upper: Double
    /// Distance between ticks.
    let tickStep: Double

    /// An axis covering `minimum...maximum` with about `targetTicks` intervals, ticks at least `minimumTickStep`
    /// apart (1 for whole-number axes such as steps). An empty or one-value range is widened by one unit (or 10 %)
    /// on each side; non-finite bounds give 0...1.
    init(covering minimum: Double, _ maximum: Double, targetTicks: Int = 5, minimumTickStep: Double = 0) {
        var (low, high) = minimum.isFinite && maximum.isFinite ? (min(minimum, maximum), max(minimum, maximum)) : (0, 1)
        if high - low < 1e-12 * max(1, abs(high)) {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let step = max(Self.niceNumber((high - low) / Double(max(targetTicks, 1)), round: true), minimumTickStep)
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
        tickStep = step
    }

    /// The tick values from `lower` to `upper`.
    var ticks: [Double] {
        let count = Int(((upper - lower) / tickStep).rounded())
        return (0...count).map { lower + Double($0) * tickStep }
    }

    /// Where `value` falls along the axis, 0 at `lower` and 1 at `upper`.
    func fraction(_ value: Double) -> Double { (value - lower) / (upper - lower) }

    /// A tick label with as many decimals as the tick step needs (`0.25` → 2 decimals, `50` → none).
    func label(_ value: Double) -> String {
        let decimals = max(0, Int((-log10(tickStep)).rounded(.up)))
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// The 1, 2, 5 (or 10) multiple of a power of ten nearest to `value` (when rounding) or at or above it.
    static func niceNumber(_ value: Double, round: Bool) -> Double {
        let exponent = floor(log10(value))
        let power = pow(10, exponent)
        let fraction = value / power
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * power
    }
}
