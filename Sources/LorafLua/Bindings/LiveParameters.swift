import LorafModels
import LorafTensor

/// The model parameters a Lua state has handed out as live tensors (`model:parameter`, `model:named_parameters`),
/// by storage: an in-place write to any tensor over that memory (the parameter itself or a view of it) asks here
/// whether it would change a frozen weight, and tells the model when one was written (its layers drop what they keep
/// derived from the weights, the bf16 panels). Entries hold weak references, so they never keep a model alive.
final class LiveParameters {
    private final class Entry {
        weak var storage: TensorStorage?
        weak var parameter: Tensor?
        weak var model: Module?
        let path: String
        init(_ parameter: Tensor, path: String, model: Module) {
            storage = parameter.storage
            self.parameter = parameter
            self.model = model
            self.path = path
        }
    }

    private var entries: [ObjectIdentifier: Entry] = [:]

    /// Records that `parameter` (at `path` in `model`) was handed to Lua.
    func register(_ parameter: Tensor, path: String, model: Module) {
        if entries.count > 4096 { entries = entries.filter { $0.value.storage != nil } }
        entries[ObjectIdentifier(parameter.storage)] = Entry(parameter, path: path, model: model)
    }

    /// Called after an in-place write to `tensor`: when it is over a parameter's memory, that parameter's model drops
    /// the bf16 panels its frozen layers packed from the old values (the next bf16 pass packs them again).
    func written(_ tensor: Tensor) {
        guard let entry = entries[ObjectIdentifier(tensor.storage)], entry.storage === tensor.storage else { return }
        entry.model?.dropLinearBF16Panels()
    }

    /// The path of the frozen model parameter whose memory `tensor` shares, or nil when `tensor` is not over a
    /// parameter's memory or that parameter trains (`requiresGrad`, set by the model from its active adapter).
    func frozenPath(sharedBy tensor: Tensor) -> String? {
        guard let entry = entries[ObjectIdentifier(tensor.storage)], entry.storage === tensor.storage,
              let parameter = entry.parameter, !parameter.requiresGrad else { return nil }
        return entry.path
    }
}
