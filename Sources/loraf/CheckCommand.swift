import ArgumentParser
import Foundation
import LorafTraining

/// `loraf check RUN_DIR`: reports every checkpoint of a run folder as complete or not (and why), left-overs of
/// interrupted saves, and the checkpoint resume would use. Exits with 1 when a checkpoint is incomplete.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the checkpoints of a run folder: complete, incomplete (and why), and what resume would use.")

    @Argument(help: ArgumentHelp("The run folder (run_dir of loraf.train).", valueName: "run-dir"))
    var runDirectory: String

    func run() throws {
        let inspection = try CheckpointStore.inspect(directory: URL(fileURLWithPath: runDirectory, isDirectory: true))
        print(inspection)
        if !inspection.isHealthy { throw ExitCode(1) }
    }
}
