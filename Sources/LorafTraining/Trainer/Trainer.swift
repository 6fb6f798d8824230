import Foundation
import LorafFormats
import LorafKernels
import LorafModels
import LorafStrategies
import LorafTensor
import LorafTokenizers

/// Fine-tunes an `AdaptedModel` for sequence classification: the training loop behind `loraf.train{...}`.
///
/// Per optimiser step: `gradientAccumulationSteps` micro-batches, each with loss = Σ cross-entropy / (examples in
/// the whole accumulated batch), backward; global-norm clipping; the optimiser update at the schedule's learning
/// rate; callbacks; evaluation, logging and checkpoints on their intervals. What trains is
/// `model.trainableParameters`. One seed fixes data order and dropout, so equal seeds and thread counts give equal
/// losses, and a run resumed from a checkpoint continues bitwise as the uninterrupted run would.
///
/// Data-parallel (``processGroup`` of several ranks, docs/distributed.md): every rank plans the same global
/// batches and takes its shard of each (``ProcessGroup/shard(of:)``); its loss is its shard's cross-entropy sum
/// over the global example count, so the gradients summed by ``GradientAllReduce`` between backward and clipping
/// are those of the whole batch and every rank takes the same step. Rank 0's trainable tensors are broadcast at
/// the start; evaluation is sharded and reduced; rank 0 alone writes the run folder and prints progress.
public final class Trainer {
    public let model: AdaptedModel
    public let config: TrainingConfig
    public let train: TokenizedDataset
    public let eval: TokenizedDataset?
    /// Called after every optimiser step; an error stops training (the last checkpoint stays intact).
    public var onStep: ((StepReport) throws -> Void)?
    /// Called after every evaluation.
    public var onEval: ((EvalReport) throws -> Void)?
    /// Called at the end of every epoch with the 1-based epoch number.
    public var onEpoch: ((Int) throws -> Void)?
    /// Writes the model's adapter in its user-facing format into a checkpoint folder (PEFT layout for adapters).
    public var saveAdapter: ((URL) throws -> Void)?
    /// The ranks training together; ``SingleProcess`` (the default) for an ordinary run.
    public var processGroup: ProcessGroup = SingleProcess()

    public init(model: AdaptedModel, config: TrainingConfig, train: TokenizedDataset, eval: TokenizedDataset?) {
        self.model = model
        self.config = config
        self.train = train
        self.eval = eval
    }

    static let trainableFile = "trainable.safetensors"

    /// The dropout generator a run with `seed` starts from (its own stream, apart from data order), so a loop
    /// written elsewhere (Lua's `model:train{seed = ...}`) draws the same dropout masks as `fit()`.
    public static func dropoutGenerator(seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed, stream: 5) }

    /// How `fit()` cuts `data` into training batches: shuffled every epoch, the last batch kept, optionally grouped
    /// by length. A ``BatchSampler`` over it with the run's seed hands out the batches `fit()` trains on.
    /// - Throws: ``BatchPlanError`` for an empty data set or a batch size below 1.
    public static func batchPlan(for data: TokenizedDataset, batchSize: Int, groupByLength: Bool) throws -> BatchPlan {
        try BatchPlan(exampleCount: data.count, batchSize: batchSize, shuffle: true, dropLast: false,
                      lengthGrouping: groupByLength ? BatchPlan.LengthGrouping(lengths: data.lengths) : nil)
    }

    /// Runs training to the end (or to early stopping / max_steps).
    /// - Throws: `TrainingError` (bad config, NaN loss naming the step and last checkpoint, a failing callback),
    ///   `CheckpointError` for checkpoint I/O, or any model error.
    public func fit() throws -> TrainingSummary {
        try config.validate()
        let started = ProgressReporter.monotonicSeconds()
        guard train.count > 0 else { throw TrainingError.data("the training set is empty") }
        model.enableAdapters()
        model.refreshTrainable()
        let parameters: [NamedParameter] = model.trainableParameters.map { ($0.path, $0.tensor) }
        guard !parameters.isEmpty else { throw TrainingError.invalidConfig("loraf.train: the model has no trainable parameters") }

        let plan = try Trainer.batchPlan(for: train, batchSize: config.batchSize, groupByLength: config.groupByLength)
        let accumulation = config.gradientAccumulationSteps
        let stepsPerEpoch = (plan.batchesPerEpoch + accumulation - 1) / accumulation
        let totalSteps = min(config.maxSteps ?? Int.max, config.epochs * stepsPerEpoch)
        let group = processGroup
        try group.requireAgreement(["the number of training examples": Double(train.count), "the batch size": Double(config.batchSize),
                                    "the number of steps": Double(totalSteps), "the seed": Double(config.seed & (1 << 52 - 1)),
                                    "the number of trainable values": Double(parameters.reduce(0) { $0 + $1.tensor.count })])
        let optimizer = try makeOptimizer()
        let schedule = try makeSchedule(totalSteps: totalSteps)
        var sampler = BatchSampler(plan: plan, seed: config.seed)
        let context = ForwardContext(training: true, rng: Trainer.dropoutGenerator(seed: config.seed))
        let run = group.isMain ? try config.runDirectory.map { try RunFolder(url: $0) } : nil
        let store = try run?.checkpointStore(keepLast: config.keepCheckpoints)
        if let script = config.scriptSource { try run?.saveScript(script) }

        var step = 0
        var lossHistory: [MetricPoint] = [], evaluations: [EvalReport] = [], evalHistory: [MetricPoint] = []
        var best: MetricPoint?
        var lastCheckpoint: String?
        var lastCheckpointStep = -1
        if let checkpoint = try checkpointToResume(store, group: group) {
            let state = try checkpoint.trainerState()
            try restoreTrainable(from: checkpoint.adapterURL.appendingPathComponent(Trainer.trainableFile), parameters)
            try optimizer.restore(checkpoint.optimizerState(), for: parameters)
            if let saved = state.sampler { sampler = try BatchSampler(plan: plan, restoring: saved) }
            do {
                context.rng = try RandomGenerator(state: state.dropoutGeneratorState)
            } catch {
                throw TrainingError.data("\(checkpoint.trainerStateURL.path): invalid dropout generator state: \(error)")
            }
            step = state.globalStep
            lossHistory = state.lossHistory
            evalHistory = state.evalHistory
            best = state.bestMetric
            lastCheckpoint = checkpoint.url.path
            lastCheckpointStep = step
        }
        try group.broadcast(parameters)
        let gradientSync = GradientAllReduce(group: group)

        let progress = group.isMain ? try ProgressReporter(totalSteps: totalSteps, every: config.logEverySteps, style: config.progressStyle) : nil
        var trainSeconds = 0.0, examplesSeen = 0, tokensSeen = 0
        var windowLoss = 0.0, windowSteps = 0, lastWindowLoss = Double.nan
        var evalsWithoutImprovement = 0
        var stoppedEarly = false

        func epochNow() -> Double {
            Double(sampler.epoch) + Double(sampler.position) / Double(max(plan.batchesPerEpoch, 1))
        }
        func checkpoint() throws {
            guard let store else {
                // Other ranks know where rank 0 writes (for the NaN message).
                if let directory = config.runDirectory { lastCheckpoint = directory.appendingPathComponent(Checkpoint.folderName(step: step)).path }
                lastCheckpointStep = step
                return
            }
            let state = TrainerState(globalStep: step, epoch: sampler.epoch, sampler: sampler.state,
                                     dropoutGeneratorState: context.rng.state, schedulePosition: step, bestMetric: best,
                                     lossHistory: lossHistory, evalHistory: evalHistory)
            let saved = try store.save(step: step, optimizerState: optimizer.state(), trainerState: state) { url in
                try SafeTensorsWriter.write(parameters.map { .float32($0.name, shape: $0.tensor.shape, values: $0.tensor.scalars) },
                                            to: url.appendingPathComponent(Trainer.trainableFile))
                try self.saveAdapter?(url)
            }
            lastCheckpoint = saved.url.path
            lastCheckpointStep = step
        }
        func evaluateNow() throws {
            guard let eval else { return }
            var report = try Trainer.evaluate(model, on: eval, batchSize: config.evalBatchSize, group: group)
            report.step = step
            report.epoch = epochNow()
            evaluations.append(report)
            evalHistory.append(MetricPoint(step: step, value: report.accuracy))
            try run?.metrics.append(.eval(step: step, accuracy: report.accuracy, macroF1: report.macroF1))
            if best == nil || report.accuracy > best!.value {
                best = MetricPoint(step: step, value: report.accuracy)
                evalsWithoutImprovement = 0
            } else {
                evalsWithoutImprovement += 1
            }
            try run?.writePlot(TrainingPlot(title: "loraf training", loss: lossHistory, evalMetric: evalHistory, evalMetricName: "eval accuracy"))
            progress?.message(String(format: "eval at step %d: accuracy %.4f, macro-F1 %.4f, loss %.4f", step, report.accuracy, report.macroF1, report.loss))
            do { try onEval?(report) } catch { throw TrainingError.callback(name: "on_eval", step: step, error: error) }
            if let patience = config.earlyStoppingPatience, evalsWithoutImprovement >= patience { stoppedEarly = true }
        }

        model.base.train()
        training: while step < totalSteps && !stoppedEarly {
            var batches: [[Int]] = []
            var epochEnded = false
            while batches.count < accumulation {
                guard let batch = sampler.next() else { epochEnded = true; break }
                batches.append(batch)
            }
            if !batches.isEmpty {
                let t0 = ProgressReporter.monotonicSeconds()
                let learningRate = try schedule.learningRate(atStep: step + 1)
                let total = batches.reduce(0) { $0 + $1.count }
                if group.rank > 0 { context.rng = Trainer.dropoutGenerator(seed: config.seed, rank: group.rank, step: step) }
                var stepLoss = 0.0, stepTokens = 0
                for batch in batches {
                    let indices = Array(group.shard(of: batch))
                    if indices.isEmpty { continue }
                    let (input, labels, tokens) = try train.batch(indices)
                    let logits = try model.forward(input, context).logits.orThrow("the model has no classification head")
                    let loss = try logits.crossEntropy(targets: labels) * (Float(indices.count) / Float(total))
                    let value = Double(try loss.item())
                    guard value.isFinite else {
                        throw TrainingError.nonFiniteLoss(step: step + 1, loss: value, lastCheckpoint: lastCheckpoint)
                    }
                    try loss.backward()
                    stepLoss += value
                    stepTokens += tokens
                }
                if group.size > 1 {
                    var statistics = [stepLoss, Double(stepTokens)]
                    try gradientSync.reduce(parameters, statistics: &statistics)
                    (stepLoss, stepTokens) = (statistics[0], Int(statistics[1]))
                }
                tokensSeen += stepTokens
                // Without clipping the norm is still measured (the NaN guard and on_step report it).
                let norm = try clipGradientNorm(parameters, maxNorm: config.maxGradNorm ?? Double.greatestFiniteMagnitude).norm
                guard norm.isFinite else {
                    throw TrainingError.nonFiniteLoss(step: step + 1, loss: norm, lastCheckpoint: lastCheckpoint)
                }
                try GradMode.disabled { try optimizer.step(parameters, learningRate: learningRate) }
                optimizer.zeroGrad(parameters)
                step += 1
                examplesSeen += total
                trainSeconds += ProgressReporter.monotonicSeconds() - t0
                lossHistory.append(MetricPoint(step: step, value: stepLoss))
                windowLoss += stepLoss
                windowSteps += 1
                let speed = Double(examplesSeen) / max(trainSeconds, 1e-9)
                progress?.update(step: step, epoch: sampler.epoch + 1, loss: stepLoss, learningRate: learningRate, examplesPerSecond: speed)
                if step % config.logEverySteps == 0 || step == totalSteps {
                    lastWindowLoss = windowLoss / Double(windowSteps)
                    try run?.metrics.append(.train(step: step, epoch: epochNow(), loss: lastWindowLoss, learningRate: learningRate, examplesPerSecond: speed))
                    windowLoss = 0
                    windowSteps = 0
                }
                do {
                    try onStep?(StepReport(step: step, totalSteps: totalSteps, epoch: epochNow(), loss: stepLoss,
                                           learningRate: learningRate, gradientNorm: norm, examplesPerSecond: speed))
                } catch { throw TrainingError.callback(name: "on_step", step: step, error: error) }
                if let every = config.evalEverySteps, step % every == 0 { try evaluateNow() }
                if let every = config.checkpointEverySteps, step % every == 0 { try checkpoint() }
            }
            if epochEnded {
                if config.evalEverySteps == nil { try evaluateNow() }
                do { try onEpoch?(sampler.epoch) } catch { throw TrainingError.callback(name: "on_epoch", step: step, error: error) }
                if sampler.epoch >= config.epochs { break training }
            }
        }
        if windowSteps > 0 { lastWindowLoss = windowLoss / Double(windowSteps) }
        if eval != nil, evaluations.last?.step != step { try evaluateNow() }
        if store != nil, lastCheckpointStep != step { try checkpoint() }
        try run?.writePlot(TrainingPlot(title: "loraf training", loss: lossHistory, evalMetric: evalHistory, evalMetricName: "eval accuracy"))
        progress?.finish()
        model.base.eval()
        let trainable = parameters.reduce(0) { $0 + $1.tensor.count }
        return TrainingSummary(steps: step, epochs: epochNow(), finalLoss: lastWindowLoss, lossHistory: lossHistory,
                               evaluations: evaluations, stoppedEarly: stoppedEarly, trainSeconds: trainSeconds,
                               wallSeconds: ProgressReporter.monotonicSeconds() - started,
                               examplesPerSecond: Double(examplesSeen) / max(trainSeconds, 1e-9),
                               tokensPerSecond: Double(tokensSeen) / max(trainSeconds, 1e-9),
                               peakRSSBytes: peakResidentBytes(), trainableParameters: trainable,
                               totalParameters: model.allParameters.reduce(0) { $0 + $1.tensor.count },
                               allReduceSeconds: gradientSync.reduceSeconds, allReduceBytesPerStep: gradientSync.bytesPerCall)
    }

    /// Loss, accuracy and macro-F1 of the model on `data` (see `Trainer.evaluate(_:on:batchSize:)`).
    public func evaluate(_ data: TokenizedDataset) throws -> EvalReport {
        try Trainer.evaluate(model, on: data, batchSize: config.evalBatchSize)
    }

    /// Loss, accuracy and macro-F1 of `model` on `data`, in evaluation mode without gradients. Examples are
    /// batched by length (order does not change the metrics) to keep padding small. With a `group` of several
    /// ranks (every rank must call this), each scores every `size`-th example and the predictions and loss sums
    /// are all-reduced, so every rank returns the metrics of the whole set.
    public static func evaluate(_ model: AdaptedModel, on data: TokenizedDataset, batchSize: Int,
                                group: ProcessGroup = SingleProcess()) throws -> EvalReport {
        let wasTraining = model.base.isTraining
        model.base.eval()
        defer { model.base.setTraining(wasTraining) }
        let order = evaluationShard((0..<data.count).sorted { data.ids[$0].count < data.ids[$1].count }, group: group)
        var predictions = [Int](repeating: 0, count: data.count)
        var lossSum = 0.0
        try GradMode.disabled {
            var start = 0
            while start < order.count {
                let indices = Array(order[start..<min(start + max(batchSize, 1), order.count)])
                let (input, labels, _) = try data.batch(indices)
                let logits = try model.forward(input, model.makeContext()).logits.orThrow("the model has no classification head")
                lossSum += Double(try logits.crossEntropy(targets: labels).item()) * Double(indices.count)
                for (row, label) in try logits.argmax(axis: -1).scalars.enumerated() { predictions[indices[row]] = label }
                start += indices.count
            }
        }
        try reduceEvaluation(&predictions, lossSum: &lossSum, group: group)
        return EvalReport(step: 0, epoch: 0, loss: lossSum / Double(max(data.count, 1)),
                          accuracy: try ClassificationMetrics.accuracy(predictions: predictions, labels: data.labels),
                          macroF1: try ClassificationMetrics.macroF1(predictions: predictions, labels: data.labels),
                          examples: data.count)
    }

    private func makeOptimizer() throws -> Optimizer {
        switch config.optimizer {
        case let .adamW(_, weightDecay, beta1, beta2, epsilon):
            return try AdamW(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        case let .sgd(_, momentum, weightDecay, nesterov):
            return try SGD(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        }
    }

    private func makeSchedule(totalSteps: Int) throws -> LearningRateSchedule {
        let peak = config.optimizer.learningRate
        switch config.schedule {
        case .constant: return try ConstantSchedule(learningRate: peak)
        case let .linear(warmup): return try LinearWarmupDecaySchedule(peak: peak, warmup: warmup, totalSteps: totalSteps)
        case let .cosine(warmup): return try CosineWarmupSchedule(peak: peak, warmup: warmup, totalSteps: totalSteps)
        case let .custom(function): return CustomSchedule(function)
        case let .customOverRun(function): return CustomSchedule { try function($0, totalSteps, peak) }
        }
    }

    private func restoreTrainable(from url: URL, _ parameters: [NamedParameter]) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        for (name, tensor) in parameters {
            guard let entry = file.entries.first(where: { $0.name == name }) else {
                throw TrainingError.data("\(url.path): the checkpoint lacks '\(name)' (was it made with another adapter configuration?)")
            }
            guard entry.shape == tensor.shape else {
                throw TrainingError.data("\(url.path): '\(name)' has shape \(entry.shape), the model expects \(tensor.shape)")
            }
            try tensor.assign(file.tensor(name))
        }
    }
}

extension Optional {
    /// The value, or a `TrainingError.invalidConfig` with `message`.
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw TrainingError.invalidConfig(message) }
        return value
    }
}
