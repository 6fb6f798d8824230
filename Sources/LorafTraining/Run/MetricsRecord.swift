/// One line of `metrics.jsonl`.
public enum MetricsRecord: Equatable, Sendable {
    /// A training step: `{"step":..,"epoch":..,"loss":..,"lr":..,"examples_per_s":..}`. `epoch` may be fractional
    /// (epochs completed so far, as transformers logs it); `loss` is the step's mean training loss;
    /// `examplesPerSecond` the training throughput.
    case train(step: Int, epoch: Double, loss: Double, learningRate: Double, examplesPerSecond: Double)
    /// An evaluation: `{"step":..,"eval_loss":..,"eval_<metric>":..}` for each of the task's metrics
    /// (`eval_accuracy`, `eval_macro_f1` as fractions in [0, 1]; `eval_perplexity`).
    case eval(step: Int, loss: Double, metrics: [EvalMetric])

    /// The record as one line of JSON (no newline); non-finite numbers become `null`.
    public var jsonLine: String {
        switch self {
        case let .train(step, epoch, loss, learningRate, examplesPerSecond):
            return JSONLineFormat.object([("step", String(step)), ("epoch", JSONLineFormat.number(epoch)),
                                          ("loss", JSONLineFormat.number(loss)), ("lr", JSONLineFormat.number(learningRate)),
                                          ("examples_per_s", JSONLineFormat.number(examplesPerSecond))])
        case let .eval(step, loss, metrics):
            return JSONLineFormat.object([("step", String(step)), ("eval_loss", JSONLineFormat.number(loss))]
                + metrics.map { ("eval_" + $0.name, JSONLineFormat.number($0.value)) })
        }
    }
}
