import Foundation

/// The folder of one training run, `runs/<name>/` by default:
/// `metrics.jsonl` (``MetricsLog``), `script.lua` (the script as run), `plot.svg` (``TrainingPlot``) and the
/// checkpoints (``CheckpointStore`` over the same folder).
public final class RunFolder {
    /// The run folder.
    public let url: URL
    /// The run's metrics log, `metrics.jsonl`.
    public let metrics: MetricsLog

    public var scriptURL: URL { url.appendingPathComponent("script.lua") }
    public var plotURL: URL { url.appendingPathComponent("plot.svg") }

    /// Opens (creating when missing) `<root>/<name>/`.
    /// - Parameters:
    ///   - name: the run's name: not empty, no `/`, not `.` or `..`, no NUL.
    ///   - root: the folder of runs (default `runs` in the current directory).
    /// - Throws: ``CheckpointError/invalidArgument(_:)`` for a bad name, ``CheckpointError/io(operation:path:reason:)``
    ///   when the folder or the metrics file cannot be created.
    public convenience init(name: String, root: URL = URL(fileURLWithPath: "runs", isDirectory: true)) throws {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw CheckpointError.invalidArgument("run name '\(name)' must be a single folder name (no '/', not '.' or '..')")
        }
        try self.init(url: root.appendingPathComponent(name, isDirectory: true))
    }

    /// Opens (creating when missing) the run folder at `url`.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when the folder or the metrics file cannot be created.
    public init(url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw CheckpointError.io(operation: "create the run folder", path: url.path, reason: error.localizedDescription)
        }
        self.url = url
        metrics = try MetricsLog(url: url.appendingPathComponent("metrics.jsonl"))
    }

    /// The checkpoints of this run (in the run folder itself).
    /// - Throws: as ``CheckpointStore/init(directory:keepLast:)``.
    public func checkpointStore(keepLast: Int = 2) throws -> CheckpointStore {
        try CheckpointStore(directory: url, keepLast: keepLast)
    }

    /// Saves the Lua script as run to `script.lua`, atomically.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)``.
    public func saveScript(_ source: String) throws {
        try DurableFiles.write(Data(source.utf8), to: scriptURL)
    }

    /// Renders `plot` to `plot.svg`, atomically (call at each evaluation and at the end).
    /// - Throws: ``CheckpointError/io(operation:path:reason:)``.
    public func writePlot(_ plot: TrainingPlot) throws {
        try DurableFiles.write(Data(plot.svg().utf8), to: plotURL)
    }
}
