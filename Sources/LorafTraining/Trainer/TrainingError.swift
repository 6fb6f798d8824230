/// Errors that stop training. Each says what happened and where (step, file and line, checkpoint).
public enum TrainingError: Error, CustomStringConvertible {
    /// A bad option of `loraf.train` / `TrainingConfig`.
    case invalidConfig(String)
    /// A data problem (the file and line are in the message).
    case data(String)
    /// The loss became NaN or infinite.
    case nonFiniteLoss(step: Int, loss: Double, lastCheckpoint: String?)
    /// A callback (e.g. a Lua on_step) raised an error.
    case callback(name: String, step: Int, error: Error)

    public var description: String {
        switch self {
        case let .invalidConfig(m), let .data(m): return m
        case let .nonFiniteLoss(step, loss, checkpoint):
            return "training stopped at step \(step): the loss is \(loss); last good checkpoint: \(checkpoint ?? "none (no checkpoint written yet)")"
        case let .callback(name, step, error):
            return "\(name) raised an error at step \(step): \(error)"
        }
    }
}
