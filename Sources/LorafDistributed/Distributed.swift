import CMPIShim
import Foundation
import LorafKernels
import LorafTraining

/// The process group of this program, and the start and end of MPI.
///
/// loraf initialises MPI only when `mpirun` (Open MPI's launcher, or another PMIx/PMI launcher) started it: a
/// plain `loraf run` stays a single process that never loads MPI's run time, costs nothing and needs no launcher.
/// The launcher is recognised by the variables it sets (``launcherVariables``); `LORAF_DISTRIBUTED=off` keeps a
/// process single even under `mpirun` (e.g. to use mpirun only to start independent jobs). See docs/distributed.md.
public enum Distributed {
    /// Variables whose presence means a launcher started this process as one rank of a job: Open MPI's mpirun
    /// sets OMPI_COMM_WORLD_SIZE, PMIx launchers PMIX_RANK, MPICH's Hydra and Slurm's PMI PMI_RANK.
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]
    /// Set to `off` to stay a single process under a launcher.
    public static let switchVariable = "LORAF_DISTRIBUTED"

    /// Whether `environment` says this process is one rank of a launched job that wants MPI.
    public static func launchedByMPI(_ environment: [String: String]) -> Bool {
        environment[switchVariable] != "off" && launcherVariables.contains { environment[$0] != nil }
    }

    /// The group every rank of this job belongs to: MPI's world when launched by mpirun (MPI is initialised on
    /// first use, from the main thread), else ``SingleProcess``. Under MPI, unless `LORAF_THREADS` says
    /// otherwise, the kernels use the cores divided by the ranks on this machine (``threadsPerRank(_:)``). When
    /// MPI cannot start, the message goes to stderr and the process exits with status 1 (a rank without its
    /// peers cannot do its share).
    public static let world: ProcessGroup = {
        let environment = ProcessInfo.processInfo.environment
        guard launchedByMPI(environment) else { return SingleProcess() }
        do {
            var provided: Int32 = 0
            try MPIError.check(loraf_mpi_init(&provided), "MPI_Init_thread")
            if let threads = threadsPerRank(environment) { Parallel.threadCount = threads }
            return try MPIProcessGroup()
        } catch {
            FileHandle.standardError.write(Data("loraf: cannot start MPI: \(error)\n".utf8))
            exit(1)
        }
    }()

    /// The kernel threads of one rank when the user set none: the active cores divided by the ranks mpirun
    /// started on this machine (`OMPI_COMM_WORLD_LOCAL_SIZE`), at least 1, so N ranks on a machine do not run
    /// N × cores threads. nil when `LORAF_THREADS` is set or the local rank count is unknown.
    public static func threadsPerRank(_ environment: [String: String]) -> Int? {
        guard environment["LORAF_THREADS"] == nil, let text = environment["OMPI_COMM_WORLD_LOCAL_SIZE"],
              let local = Int(text), local >= 1 else { return nil }
        return max(1, ProcessInfo.processInfo.activeProcessorCount / local)
    }

    /// Ends MPI after a successful run (MPI_Finalize, which waits for the other ranks); nothing without MPI.
    /// - Throws: ``MPIError`` when finalisation fails.
    public static func finish() throws {
        guard loraf_mpi_active() != 0 else { return }
        try MPIError.check(loraf_mpi_finalize(), "MPI_Finalize")
    }

    /// Ends this process after an error with `status`. Under MPI with several ranks, it first writes
    /// `loraf: rank R of N failed; ending the job` to stderr (the error itself should be printed before), then
    /// calls MPI_Abort, which ends every rank of the job (no rank is left waiting in a collective). In a single
    /// process it only exits.
    public static func fail(status: Int32) -> Never {
        if loraf_mpi_active() != 0 {
            let group = world
            if group.size > 1 {
                FileHandle.standardError.write(Data("loraf: rank \(group.rank) of \(group.size) failed; ending the job\n".utf8))
                loraf_mpi_abort(status)
            }
            _ = loraf_mpi_finalize()
        }
        exit(status)
    }
}
