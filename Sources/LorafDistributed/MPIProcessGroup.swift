import CMPIShim
import LorafTraining

/// An MPI call that failed, with MPI's own text for the code.
public struct MPIError: Error, CustomStringConvertible {
    /// The MPI function, e.g. "MPI_Allreduce".
    public let function: String
    /// MPI's error code.
    public let code: Int32
    /// MPI_Error_string of the code.
    public let text: String

    public var description: String { "\(function) failed (MPI error \(code)): \(text)" }

    /// Throws an `MPIError` unless `code` is MPI_SUCCESS (0).
    static func check(_ code: Int32, _ function: String) throws {
        guard code != 0 else { return }
        var buffer = [CChar](repeating: 0, count: 512)
        loraf_mpi_error_string(code, &buffer, Int32(buffer.count))
        throw MPIError(function: function, code: code, text: String(cString: buffer))
    }
}

/// MPI_COMM_WORLD as a ``ProcessGroup``: the ranks that `mpirun` started. Created once by ``Distributed/world``
/// after MPI_Init; only the main thread may call its collectives (MPI_THREAD_FUNNELED).
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int

    /// Reads rank and size of an initialised MPI (call after `loraf_mpi_init`).
    init() throws {
        var rank: Int32 = 0, size: Int32 = 0
        try MPIError.check(loraf_mpi_rank(&rank), "MPI_Comm_rank")
        try MPIError.check(loraf_mpi_size(&size), "MPI_Comm_size")
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try MPIError.check(loraf_mpi_allreduce_float(base, buffer.count, operation.code), "MPI_Allreduce")
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try MPIError.check(loraf_mpi_allreduce_double(base, buffer.count, operation.code), "MPI_Allreduce")
    }

    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {
        precondition((0..<size).contains(root), "broadcast root \(root) outside 0..<\(size)")
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try MPIError.check(loraf_mpi_broadcast_float(base, buffer.count, Int32(root)), "MPI_Bcast")
    }

    public func barrier() throws {
        try MPIError.check(loraf_mpi_barrier(), "MPI_Barrier")
    }
}

extension ReduceOperation {
    /// The shim's code for this operation (LORAF_MPI_SUM, _MAX, _MIN).
    var code: Int32 {
        switch self {
        case .sum: return Int32(LORAF_MPI_SUM)
        case .max: return Int32(LORAF_MPI_MAX)
        case .min: return Int32(LORAF_MPI_MIN)
        }
    }
}
