/// How ``ProcessGroup/allReduce(_:_:)`` combines the ranks' values, element by element.
public enum ReduceOperation: String, Sendable, CaseIterable {
    case sum, max, min
}

/// The processes of one data-parallel job and the collectives the trainer needs from them: the seam between
/// training and a communication back end.
///
/// Every rank runs the same program; a collective must be called by every rank of the group, in the same order,
/// with buffers of the same length, or the job hangs or fails (the back end decides which). The trainer calls:
/// ``broadcast(_:root:)`` once at the start (rank 0's trainable tensors to every rank), ``allReduce(_:_:)`` on
/// Float once per optimizer step between backward and the step (``GradientAllReduce``: the gradients and the
/// step's loss in one buffer), and on Double at each evaluation and to check that the ranks agree on the plan.
///
/// ``SingleProcess`` (rank 0 of 1, every collective a no-op) is the default; LorafDistributed's `MPIProcessGroup`
/// is the MPI implementation (docs/distributed.md, with the design of a GPU back end).
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's index in the group, `0..<size`; rank 0 alone writes files and prints progress.
    var rank: Int { get }
    /// The number of processes, >= 1.
    var size: Int { get }
    /// Combines `buffer` element-wise over every rank with `operation`; on return every rank holds the result.
    /// - Throws: an error of the back end when the communication fails.
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws
    /// As the Float variant, for exact counts and sums (evaluation statistics, agreement checks).
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws
    /// Replaces `buffer` on every rank by its content on rank `root` (`0..<size`).
    func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
}

extension ProcessGroup {
    /// Whether this is rank 0, the rank that writes files and prints.
    public var isMain: Bool { rank == 0 }

    /// The part of a global batch this rank processes: a contiguous slice, the slices of the ranks in rank order
    /// covering `batch` exactly once. Sizes differ by at most one: with `n = batch.count`, the first `n % size`
    /// ranks take `n / size + 1` elements, the others `n / size` (so a rank may get none when `n < size`).
    public func shard<Element>(of batch: [Element]) -> ArraySlice<Element> {
        let base = batch.count / size, extra = batch.count % size
        let start = rank * base + Swift.min(rank, extra)
        return batch[start..<(start + base + (rank < extra ? 1 : 0))]
    }

    /// All-reduces an array of Doubles in place (a convenience over the buffer form).
    public func allReduce(_ values: inout [Double], _ operation: ReduceOperation) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, operation) }
    }
}

/// The group of one process: rank 0 of 1, every collective returns at once, leaving its buffer as it is.
public final class SingleProcess: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {}
    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {}
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {}
    public func barrier() throws {}
}
