import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows training progress. On a terminal (stderr is a TTY) a single line on stderr redrawn in place with `\r`
/// (``ProgressFormat/barLine(_:barWidth:)``); otherwise a plain line (``ProgressFormat/plainLine(_:)``) on stdout
/// every `every` steps and at the last step. The ETA is the remaining steps times the mean time per step since
/// the first update this reporter saw (so a resumed run estimates from its own pace).
public final class ProgressReporter {
    /// How progress is shown.
    public enum Style: Equatable, Sendable {
        /// A live bar redrawn in place (for terminals).
        case liveBar
        /// A plain line every so many steps (for logs and pipes).
        case plainLines(every: Int)
    }

    public let totalSteps: Int
    public let style: Style
    private let write: (String) -> Void
    private let clock: () -> Double
    private var origin: (step: Int, time: Double)?
    private var barShown = false

    /// - Parameters:
    ///   - totalSteps: the optimizer steps planned (>= 1).
    ///   - every: for plain lines, the step interval (>= 1; default 50).
    ///   - style: nil (default) chooses ``Style/liveBar`` when stderr is a TTY, else ``Style/plainLines(every:)``.
    ///   - write: where text goes; nil (default) writes a live bar to stderr and plain lines to stdout.
    ///   - clock: seconds from any fixed origin; default the monotonic clock.
    /// - Throws: ``CheckpointError/invalidArgument(_:)`` when `totalSteps` or `every` is below 1.
    public init(totalSteps: Int, every: Int = 50, style: Style? = nil, write: ((String) -> Void)? = nil,
                clock: @escaping () -> Double = ProgressReporter.monotonicSeconds) throws {
        guard totalSteps >= 1 else { throw CheckpointError.invalidArgument("progress needs at least 1 step, got \(totalSteps)") }
        guard every >= 1 else { throw CheckpointError.invalidArgument("progress interval must be at least 1 step, got \(every)") }
        let style = style ?? (isatty(STDERR_FILENO) != 0 ? .liveBar : .plainLines(every: every))
        self.totalSteps = totalSteps
        self.style = style
        self.write = write ?? { text in
            let handle = style == .liveBar ? FileHandle.standardError : FileHandle.standardOutput
            handle.write(Data(text.utf8))
        }
        self.clock = clock
    }

    /// Reports the state after optimizer step `step`.
    public func update(step: Int, epoch: Int, loss: Double, learningRate: Double, examplesPerSecond: Double) {
        let now = clock()
        let origin = self.origin ?? (step, now)
        self.origin = origin
        let done = step - origin.step
        let eta = done > 0 ? (now - origin.time) / Double(done) * Double(max(totalSteps - step, 0)) : nil
        let snapshot = ProgressSnapshot(step: step, totalSteps: totalSteps, epoch: epoch, loss: loss,
                                        learningRate: learningRate, examplesPerSecond: examplesPerSecond, etaSeconds: eta)
        switch style {
        case .liveBar:
            write("\r" + ProgressFormat.barLine(snapshot) + "\u{1B}[K")
            barShown = true
        case let .plainLines(every):
            if step % every == 0 || step == totalSteps { write(ProgressFormat.plainLine(snapshot) + "\n") }
        }
    }

    /// Prints a message on a line of its own (e.g. evaluation results), moving the live bar below it.
    public func message(_ text: String) {
        write((barShown ? "\r\u{1B}[K" : "") + text + "\n")
        barShown = false
    }

    /// Ends the live bar's line; call once training stops.
    public func finish() {
        if barShown { write("\n") }
        barShown = false
    }

    /// Seconds of the monotonic clock.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
