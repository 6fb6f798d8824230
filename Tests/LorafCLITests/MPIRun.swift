import Foundation
import XCTest

/// Runs the `loraf` binary under Open MPI's `mpirun` with a time limit, for the distributed tests.
struct MPIRun {
    let mpirun: URL
    let loraf: LorafBinary

    /// Finds `mpirun` on PATH.
    /// - Throws: `XCTSkip` saying how to install it when it is absent.
    init(loraf: LorafBinary) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let found = path.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("mpirun not found on PATH: install Open MPI (apt-get install openmpi-bin libopenmpi-dev; scripts/setup.sh does) to run the distributed tests")
        }
        mpirun = found
        self.loraf = loraf
    }

    /// `mpirun -np ranks ... loraf arguments...` in `directory`, killed (and the test failed) after `timeout`
    /// seconds. Options for containers and root (docs/distributed.md): oversubscribe the cores, allow root, no
    /// core binding, no single-copy shared memory (not permitted in many containers).
    func run(ranks: Int, _ arguments: [String], environment: [String: String] = [:], directory: URL,
             timeout: TimeInterval = 300, file: StaticString = #filePath, line: UInt = #line) throws -> LorafBinary.Result {
        let options = ["-np", String(ranks), "--oversubscribe", "--allow-run-as-root", "--bind-to", "none",
                       "--mca", "btl_vader_single_copy_mechanism", "none"]
        return try Self.run(mpirun, options + [loraf.url.path] + arguments, environment: environment, directory: directory,
                            timeout: timeout, file: file, line: line)
    }

    /// Runs `executable` with output to files (no pipe can fill up), terminating it after `timeout` seconds.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String], directory: URL,
                    timeout: TimeInterval, file: StaticString = #filePath, line: UInt = #line) throws -> LorafBinary.Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 10) == .timedOut { kill(process.processIdentifier, SIGKILL); finished.wait() }
            XCTFail("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s", file: file, line: line)
        }
        return LorafBinary.Result(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                                  stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
