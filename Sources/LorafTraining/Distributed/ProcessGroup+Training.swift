import LorafTensor

extension ProcessGroup {
    /// Copies rank `root`'s values of `parameters` to every rank in one message, so that all ranks start equal
    /// (dense parameter tensors, as trainable parameters are).
    /// - Throws: ``TrainingError/data(_:)`` for a non-contiguous parameter; the group's communication error.
    public func broadcast(_ parameters: [NamedParameter], root: Int = 0) throws {
        guard size > 1 else { return }
        for (name, tensor) in parameters where !tensor.isContiguous {
            throw TrainingError.data("cannot broadcast '\(name)': it is a non-contiguous view")
        }
        var flat = [Float](repeating: 0, count: parameters.reduce(0) { $0 + $1.tensor.count })
        try flat.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            for (_, tensor) in parameters {
                buffer.baseAddress!.advanced(by: offset).update(from: tensor.data, count: tensor.count)
                offset += tensor.count
            }
            try broadcast(buffer, root: root)
            offset = 0
            for (_, tensor) in parameters {
                tensor.data.update(from: buffer.baseAddress!.advanced(by: offset), count: tensor.count)
                offset += tensor.count
            }
        }
    }

    /// Checks that every rank holds the same value for each named quantity (the examples, batch size and steps
    /// planned...): ranks that disagree would wait on each other forever or train on different batches. One
    /// all-reduce of the maxima of `v` and `-v`.
    /// - Throws: ``TrainingError/invalidConfig(_:)`` on every rank, naming the first quantity whose values differ
    ///   and their range; the group's communication error.
    public func requireAgreement(_ values: KeyValuePairs<String, Double>) throws {
        guard size > 1 else { return }
        var extremes = values.flatMap { [$0.value, -$0.value] }
        try allReduce(&extremes, .max)
        for (index, entry) in values.enumerated() where extremes[2 * index] != -extremes[2 * index + 1] {
            throw TrainingError.invalidConfig("the \(size) ranks disagree on \(entry.key): from \(-extremes[2 * index + 1]) to " +
                                              "\(extremes[2 * index]) (every rank must run the same script on the same data)")
        }
    }
}
