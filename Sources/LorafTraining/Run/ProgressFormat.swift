import Foundation

/// The text of the progress display; pure functions of a ``ProgressSnapshot``.
public enum ProgressFormat {
    /// A plain log line: `step 120/650 epoch 1 loss 0.4123 lr 9.2e-04 ex/s 180.3 eta 2m55s`.
    public static func plainLine(_ snapshot: ProgressSnapshot) -> String {
        "step \(snapshot.step)/\(snapshot.totalSteps) epoch \(snapshot.epoch) loss \(loss(snapshot.loss))"
            + " lr \(learningRate(snapshot.learningRate)) ex/s \(throughput(snapshot.examplesPerSecond))"
            + " eta \(duration(snapshot.etaSeconds))"
    }

    /// The live bar: `[#########---------------]  120/650 epoch 1 loss 0.4123 lr 9.2e-04 ex/s 180.3 eta 2m55s`,
    /// with `barWidth` cells filled in proportion to step / totalSteps.
    public static func barLine(_ snapshot: ProgressSnapshot, barWidth: Int = 24) -> String {
        let fraction = snapshot.totalSteps > 0 ? min(max(Double(snapshot.step) / Double(snapshot.totalSteps), 0), 1) : 0
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
        let counter = String(snapshot.step).leftPadded(to: String(snapshot.totalSteps).count)
        return "\(bar) \(counter)/\(snapshot.totalSteps) epoch \(snapshot.epoch) loss \(loss(snapshot.loss))"
            + " lr \(learningRate(snapshot.learningRate)) ex/s \(throughput(snapshot.examplesPerSecond))"
            + " eta \(duration(snapshot.etaSeconds))"
    }

    /// Seconds as `45s`, `2m55s` or `1h02m`; `?` when nil, negative or not finite. Rounded to whole seconds.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0, seconds < 1e9 else { return "?" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        if hours > 0 { return "\(hours)h" + String(format: "%02dm", minutes) }
        if minutes > 0 { return "\(minutes)m" + String(format: "%02ds", secs) }
        return "\(secs)s"
    }

    /// A learning rate in C's `%.1e` style: `9.2e-04`.
    public static func learningRate(_ value: Double) -> String { String(format: "%.1e", value) }

    /// A loss with four decimals: `0.4123` (`nan` or `inf` as C prints them).
    public static func loss(_ value: Double) -> String { String(format: "%.4f", value) }

    /// A throughput with one decimal: `180.3`.
    public static func throughput(_ value: Double) -> String { String(format: "%.1f", value) }
}

extension String {
    /// The string with spaces in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
