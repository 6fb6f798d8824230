import Foundation

/// Saves and finds checkpoints in a folder (normally a run folder), crash-safely.
///
/// Saving `checkpoint-<step>/` builds it as `.checkpoint-<step>.tmp/` in the same folder, fsyncs every file and
/// folder in it, renames it into place, then atomically rewrites the `latest` pointer file (its content is the
/// folder name). Only then are checkpoints beyond the newest `keepLast` pruned: each is first renamed out of the
/// way (`.checkpoint-<step>.pruned/`), then deleted. A crash or error at any point leaves the previous checkpoint
/// and pointer intact and never a half-deleted `checkpoint-<step>/`; left-over `.tmp` and `.pruned` folders are
/// never read and are removed by the next save. A checkpoint folder missing any file of its manifest is
/// incomplete: ``latest()`` and ``checkpoints()`` skip it and ``inspect(directory:)`` reports it.
public final class CheckpointStore {
    /// The folder checkpoints live in.
    public let directory: URL
    /// How many complete checkpoints to keep (>= 1).
    public let keepLast: Int

    static let pointerFile = "latest"
    private var pointerURL: URL { directory.appendingPathComponent(Self.pointerFile) }

    /// - Parameters:
    ///   - directory: where the checkpoints go; created (with parents) when missing.
    ///   - keepLast: how many complete checkpoints to keep, >= 1 (default 2).
    /// - Throws: ``CheckpointError/invalidArgument(_:)`` for `keepLast < 1`; ``CheckpointError/io(operation:path:reason:)``
    ///   when the folder cannot be created.
    public init(directory: URL, keepLast: Int = 2) throws {
        guard keepLast >= 1 else { throw CheckpointError.invalidArgument("keep_last must be at least 1, got \(keepLast)") }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw CheckpointError.io(operation: "create the checkpoint folder", path: directory.path, reason: error.localizedDescription)
        }
        self.directory = directory
        self.keepLast = keepLast
    }

    /// Saves a checkpoint for `step` and makes it the latest; then prunes old ones.
    /// - Parameters:
    ///   - step: the global step (>= 0); an existing `checkpoint-<step>` is replaced.
    ///   - optimizerState: written to `optimizer.safetensors`.
    ///   - trainerState: written to `trainer_state.json`.
    ///   - writeAdapter: writes the adapter's files into the (already created, empty) folder it is given.
    /// - Returns: the new checkpoint.
    /// - Throws: ``CheckpointError`` for a negative step or I/O failures, `SafeTensorsError` from the optimizer
    ///   file, or whatever `writeAdapter` throws. On any error the partial folder is removed and the previous
    ///   checkpoints and `latest` pointer are unchanged.
    @discardableResult
    public func save(step: Int, optimizerState: OptimizerState, trainerState: TrainerState,
                     writeAdapter: (URL) throws -> Void) throws -> Checkpoint {
        guard step >= 0 else { throw CheckpointError.invalidArgument("step must be >= 0, got \(step)") }
        try removeLeftovers()
        let name = Checkpoint.folderName(step: step)
        let staging = directory.appendingPathComponent("." + name + ".tmp", isDirectory: true)
        let checkpoint = Checkpoint(step: step, url: directory.appendingPathComponent(name, isDirectory: true))
        do {
            let staged = Checkpoint(step: step, url: staging)
            try createFolder(staged.adapterURL)
            try optimizerState.write(to: staged.optimizerStateURL)
            try DurableFiles.write(trainerState.jsonData(), to: staged.trainerStateURL)
            try writeAdapter(staged.adapterURL)
            try staged.writeManifest()
            try DurableFiles.syncTree(staging)
            try moveIntoPlace(staging, checkpoint.url)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        try DurableFiles.syncDirectory(directory)
        try DurableFiles.write(Data((name + "\n").utf8), to: pointerURL)
        try prune(keeping: checkpoint)
        return checkpoint
    }

    /// The checkpoint the `latest` pointer names when it is complete; otherwise (pointer missing, unreadable or
    /// naming a missing folder) the complete checkpoint with the highest step; nil when there is none.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when the folder cannot be listed.
    public func latest() throws -> Checkpoint? {
        if let text = try? String(contentsOf: pointerURL, encoding: .utf8) {
            let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let step = Checkpoint.step(fromFolderName: name) {
                let named = Checkpoint(step: step, url: directory.appendingPathComponent(name, isDirectory: true))
                if named.isComplete { return named }
            }
        }
        return try checkpoints().last
    }

    /// Every complete checkpoint folder, by ascending step. Temporary and incomplete folders are left out.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when the folder cannot be listed.
    public func checkpoints() throws -> [Checkpoint] {
        try folderNames().compactMap { name in
            guard let step = Checkpoint.step(fromFolderName: name) else { return nil }
            let checkpoint = Checkpoint(step: step, url: directory.appendingPathComponent(name, isDirectory: true))
            return checkpoint.isComplete ? checkpoint : nil
        }.sorted { $0.step < $1.step }
    }

    private func folderNames() throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw CheckpointError.io(operation: "list the checkpoint folder", path: directory.path, reason: error.localizedDescription)
        }
    }

    private func createFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw CheckpointError.io(operation: "create folder", path: url.path, reason: error.localizedDescription)
        }
    }

    /// Renames the staged folder to `destination`. An existing folder there is first renamed aside
    /// (`.<name>.old`) and deleted once the new one is in place.
    private func moveIntoPlace(_ staging: URL, _ destination: URL) throws {
        guard FileManager.default.fileExists(atPath: destination.path) else {
            return try DurableFiles.rename(staging, to: destination)
        }
        let aside = directory.appendingPathComponent("." + destination.lastPathComponent + ".old", isDirectory: true)
        try DurableFiles.rename(destination, to: aside)
        try DurableFiles.rename(staging, to: destination)
        try removeItem(aside)
    }

    /// Cleans up after an interrupted save: deletes `.checkpoint-*.tmp` staging folders, and for each
    /// `.checkpoint-<step>.old` either deletes it (its replacement is in place) or renames it back to
    /// `checkpoint-<step>` (the save stopped between the two renames, so it is the only copy).
    private func removeLeftovers() throws {
        for name in try folderNames() where name.hasPrefix("." + Checkpoint.namePrefix) {
            let url = directory.appendingPathComponent(name)
            if name.hasSuffix(".tmp") || name.hasSuffix(Self.prunedSuffix) { try removeItem(url) }
            guard name.hasSuffix(".old") else { continue }
            let original = directory.appendingPathComponent(String(name.dropFirst().dropLast(".old".count)))
            if FileManager.default.fileExists(atPath: original.path) {
                try removeItem(url)
            } else {
                try DurableFiles.rename(url, to: original)
            }
        }
    }

    static let prunedSuffix = ".pruned"

    /// Deletes complete checkpoints other than `newest`, oldest step first, until `keepLast` remain. Each is
    /// renamed to `.checkpoint-<step>.pruned` (durably) before its files are deleted, so a kill mid-deletion
    /// leaves a hidden folder the next save removes, never a damaged `checkpoint-<step>`.
    private func prune(keeping newest: Checkpoint) throws {
        let others = try checkpoints().filter { $0.step != newest.step }
        for old in others.dropLast(keepLast - 1) {
            let aside = directory.appendingPathComponent("." + old.url.lastPathComponent + Self.prunedSuffix, isDirectory: true)
            try DurableFiles.rename(old.url, to: aside)
            try DurableFiles.syncDirectory(directory)
            try removeItem(aside)
        }
    }

    /// The state of every checkpoint folder in `directory`, without changing anything: complete or not (and why),
    /// left-overs of interrupted saves and prunes, and what the `latest` pointer names (what `loraf check` prints).
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when the folder cannot be listed.
    public static func inspect(directory: URL) throws -> CheckpointInspection {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw CheckpointError.io(operation: "list the checkpoint folder", path: directory.path, reason: error.localizedDescription)
        }
        var inspection = CheckpointInspection(directory: directory)
        for name in names.sorted() {
            if let step = Checkpoint.step(fromFolderName: name) {
                let checkpoint = Checkpoint(step: step, url: directory.appendingPathComponent(name, isDirectory: true))
                inspection.checkpoints.append((checkpoint, checkpoint.problems))
            } else if name.hasPrefix("." + Checkpoint.namePrefix) {
                inspection.leftovers.append(name)
            }
        }
        inspection.checkpoints.sort { $0.checkpoint.step < $1.checkpoint.step }
        inspection.pointer = (try? String(contentsOf: directory.appendingPathComponent(pointerFile), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return inspection
    }

    private func removeItem(_ url: URL) throws {
        do { try FileManager.default.removeItem(at: url) } catch {
            throw CheckpointError.io(operation: "delete", path: url.path, reason: error.localizedDescription)
        }
    }
}
