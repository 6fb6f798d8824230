import Foundation

/// What ``CheckpointStore/inspect(directory:)`` found in a run folder; its `description` is the report
/// `loraf check RUN_DIR` prints.
public struct CheckpointInspection: CustomStringConvertible {
    /// The folder inspected.
    public let directory: URL
    /// Every `checkpoint-<step>` folder by ascending step, with what is wrong with it (empty: complete).
    public var checkpoints: [(checkpoint: Checkpoint, problems: [String])] = []
    /// Hidden folders left by an interrupted save or prune (`.checkpoint-20.tmp`, `.checkpoint-10.pruned`).
    public var leftovers: [String] = []
    /// The folder name the `latest` pointer holds, nil when there is no pointer.
    public var pointer: String?

    public init(directory: URL) { self.directory = directory }

    /// The checkpoint resume would use: the pointer's when complete, else the complete one with the highest step.
    public var resumable: Checkpoint? {
        let complete = checkpoints.filter(\.problems.isEmpty).map(\.checkpoint)
        return complete.first { $0.url.lastPathComponent == pointer } ?? complete.last
    }

    /// Whether every checkpoint folder is complete.
    public var isHealthy: Bool { checkpoints.allSatisfy(\.problems.isEmpty) }

    /// One line per checkpoint (`checkpoint-20: complete` or `checkpoint-10: INCOMPLETE: ...`), one per
    /// left-over, then the checkpoint resume would use.
    public var description: String {
        var lines = ["checkpoints in \(directory.path):"]
        if checkpoints.isEmpty { lines.append("  (none)") }
        for (checkpoint, problems) in checkpoints {
            let name = checkpoint.url.lastPathComponent
            lines.append("  \(name): " + (problems.isEmpty ? "complete" : "INCOMPLETE: " + problems.joined(separator: "; ") + " (resume skips it)"))
        }
        for name in leftovers { lines.append("  \(name): left by an interrupted save or prune; the next save removes it") }
        lines.append("latest pointer: \(pointer ?? "none")")
        lines.append("resume would use: \(resumable.map(\.url.lastPathComponent) ?? "none (no complete checkpoint)")")
        return lines.joined(separator: "\n")
    }
}
