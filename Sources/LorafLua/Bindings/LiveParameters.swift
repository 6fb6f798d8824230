import LorafTensor

/// The model parameters a Lua state has handed out as live tensors (`model:parameter`, `model:named_parameters`),
/// by storage: an in-place write to any tensor over that memory (the parameter itself or a view of it) asks here
/// whether it would change a frozen weight. Entries hold weak references, so they never keep a model alive.
final class LiveParameters {
    private final class Entry {
        weak var storage: TensorStorage?
        weak var parameter: Tensor?
        let path: String
        init(_ parameter: Tensor, path: String) {
            storage = parameter.storage
            self.parameter = parameter
            self.path = path
        }
    }

    private var entries: [ObjectIdentifier: Entry] = [:]

    /// Records that `parameter` (at `path` in its model) was handed to Lua.
    func register(_ parameter: Tensor, path: String) {
        if entries.count > 4096 { entries = entries.filter { $0.value.storage != nil } }
        entries[ObjectIdentifier(parameter.storage)] = Entry(parameter, path: path)
    }

    /// The path of the frozen model parameter whose memory `tensor` shares, or nil when `tensor` is not over a
    /// parameter's memory or that parameter trains (`requiresGrad`, set by the model from its active adapter).
    func frozenPath(sharedBy tensor: Tensor) -> String? {
        guard let entry = entries[ObjectIdentifier(tensor.storage)], entry.storage === tensor.storage,
              let parameter = entry.parameter, !parameter.requiresGrad else { return nil }
        return entry.path
    }
}
