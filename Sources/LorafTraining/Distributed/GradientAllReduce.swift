import LorafTensor

/// Sums the gradients of the trainable parameters over the ranks of a ``ProcessGroup`` in one message per step:
/// the trainer's hook between backward and the optimizer step.
///
/// Each call copies every gradient (a missing one as zeros) and `statistics` (per-step scalars such as the loss
/// sum and token count, reduced with them at Float precision so they cost no second message) into one flat Float buffer, all-reduces it with
/// ``ReduceOperation/sum`` and copies the sums back. The loss each rank backpropagates is its shard's sum of
/// per-example losses divided by the *global* normaliser (the example count of the whole accumulated batch), so
/// the sum over ranks is exactly the gradient one process computes for the whole batch. With a group of size 1
/// the call returns at once and copies nothing.
public final class GradientAllReduce {
    public let group: ProcessGroup
    private var buffer: [Float] = []
    /// Seconds spent in the all-reduce itself (excluding the copies), over every call. This includes waiting for
    /// the slowest rank to finish its backward, not only the transfer.
    public private(set) var reduceSeconds = 0.0
    /// Bytes of the last all-reduced buffer (gradients and statistics, Float32).
    public private(set) var bytesPerCall = 0
    /// Number of calls that communicated.
    public private(set) var calls = 0

    public init(group: ProcessGroup) {
        self.group = group
    }

    /// Replaces every gradient of `parameters` by its sum over the ranks, and `statistics` by theirs.
    /// A parameter without a gradient on this rank (it had no examples, or the graph did not reach it) counts as
    /// zeros and gets the summed gradient. Every rank must call this with the same parameters and statistics count.
    /// - Throws: the group's communication error.
    public func reduce(_ parameters: [NamedParameter], statistics: inout [Double]) throws {
        guard group.size > 1 else { return }
        let total = parameters.reduce(statistics.count) { $0 + $1.tensor.count }
        if buffer.count != total { buffer = [Float](repeating: 0, count: total) }
        try buffer.withUnsafeMutableBufferPointer { flat in
            var offset = 0
            for (_, tensor) in parameters {
                let gradient = denseGradient(of: tensor)
                flat.baseAddress!.advanced(by: offset).update(from: gradient.data, count: tensor.count)
                offset += tensor.count
            }
            for (i, value) in statistics.enumerated() { flat[offset + i] = Float(value) }
            let started = ProgressReporter.monotonicSeconds()
            try group.allReduce(flat, .sum)
            reduceSeconds += ProgressReporter.monotonicSeconds() - started
            offset = 0
            for (_, tensor) in parameters {
                tensor.grad!.data.update(from: flat.baseAddress!.advanced(by: offset), count: tensor.count)
                offset += tensor.count
            }
            for i in statistics.indices { statistics[i] = Double(flat[offset + i]) }
        }
        bytesPerCall = total * MemoryLayout<Float>.stride
        calls += 1
    }

    /// The parameter's gradient as a dense tensor of its shape, created as zeros when missing.
    private func denseGradient(of tensor: Tensor) -> Tensor {
        guard let gradient = tensor.grad else {
            let zeros = Tensor(zeros: tensor.shape)
            tensor.grad = zeros
            return zeros
        }
        if gradient.isContiguous { return gradient }
        let dense = gradient.copy()
        tensor.grad = dense
        return dense
    }
}
