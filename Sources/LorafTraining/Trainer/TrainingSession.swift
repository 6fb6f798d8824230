import Foundation
import LorafFormats
import LorafKernels
import LorafModels
import LorafStrategies
import LorafTensor

/// One `Trainer.fit()` in its named stages: planned at init, then ``resume()``, ``trainToEnd()`` (which takes
/// ``takeStep(_:)`` after step and calls ``evaluate()`` and ``checkpoint()`` on their intervals) and ``finish()``.
/// It owns everything that changes while training: the sampler, the dropout generator, the optimiser and the
/// histories that a checkpoint saves.
final class TrainingSession {
    let trainer: Trainer
    let config: TrainingConfig
    let group: ProcessGroup
    let parameters: [NamedParameter]
    let plan: BatchPlan
    let totalSteps: Int
    let optimizer: Optimizer
    /// The one owner of the learning rate: the optimiser takes the rate it gives for each step.
    let schedule: LearningRateSchedule
    let context: ForwardContext
    let run: RunFolder?
    let store: CheckpointStore?
    let gradientSync: GradientAllReduce
    let progress: ProgressReporter?
    let started = ProgressReporter.monotonicSeconds()

    var sampler: BatchSampler
    var step = 0
    var lossHistory: [MetricPoint] = [], evalHistory: [MetricPoint] = []
    var evaluations: [EvalReport] = []
    var best: MetricPoint?
    var lastCheckpoint: String?
    var lastCheckpointStep = -1
    var evalsWithoutImprovement = 0
    var stoppedEarly = false
    var trainSeconds = 0.0, trainCPUSeconds = 0.0, examplesSeen = 0, tokensSeen = 0
    var windowLoss = 0.0, windowSteps = 0, lastWindowLoss = Double.nan
    var phases = PhaseClock()

    /// The plan stage: checks the config, fixes batches, steps, optimiser and schedule, agrees them across ranks,
    /// opens the run folder (rank 0).
    /// - Throws: `TrainingError` for a bad config, an empty task or a model with nothing to train; run-folder I/O.
    init(trainer: Trainer) throws {
        self.trainer = trainer
        TensorStorage.resetPeakLiveBytes()
        config = trainer.config
        group = trainer.processGroup
        try config.validate()
        let task = trainer.task
        guard task.count > 0 else { throw TrainingError.data("the training set is empty") }
        trainer.model.enableAdapters()
        trainer.model.refreshTrainable()
        if let checkpointing = config.gradientCheckpointing { trainer.model.base.gradientCheckpointing = checkpointing }
        if let dtype = config.computeDType { trainer.model.computeDType = dtype.effective }
        parameters = trainer.model.trainableParameters.map { ($0.path, $0.tensor) }
        guard !parameters.isEmpty else { throw TrainingError.invalidConfig("the model has no trainable parameters") }
        plan = try Trainer.batchPlan(count: task.count, lengths: task.lengths, batchSize: config.batchSize, groupByLength: config.groupByLength)
        let accumulation = config.gradientAccumulationSteps
        let stepsPerEpoch = (plan.batchesPerEpoch + accumulation - 1) / accumulation
        totalSteps = min(config.maxSteps ?? Int.max, config.epochs * stepsPerEpoch)
        try group.requireAgreement(["the number of training examples": Double(task.count), "the batch size": Double(config.batchSize),
                                    "the number of steps": Double(totalSteps), "the seed": Double(config.seed & (1 << 52 - 1)),
                                    "the number of trainable values": Double(parameters.reduce(0) { $0 + $1.tensor.count })])
        optimizer = try config.makeOptimizer()
        schedule = try config.makeSchedule(totalSteps: totalSteps)
        sampler = BatchSampler(plan: plan, seed: config.seed)
        context = ForwardContext(training: true, rng: Trainer.dropoutGenerator(seed: config.seed))
        // Frozen weights' packed operands, kept for the run (packed again after any write to a weight).
        context.frozenWeightPanels = FrozenWeightPanels()
        run = group.isMain ? try config.runDirectory.map { try RunFolder(url: $0) } : nil
        store = try run?.checkpointStore(keepLast: config.keepCheckpoints)
        if let script = config.scriptSource { try run?.saveScript(script) }
        gradientSync = GradientAllReduce(group: group)
        progress = group.isMain ? try ProgressReporter(totalSteps: totalSteps, every: config.logEverySteps, style: config.progressStyle) : nil
    }

    var epochNow: Double { Double(sampler.epoch) + Double(sampler.position) / Double(max(plan.batchesPerEpoch, 1)) }

    /// The resume stage: with `config.resume`, restores trainable tensors, optimiser, sampler, dropout generator and
    /// histories from the newest checkpoint; then broadcasts rank 0's trainable tensors so all ranks start equal.
    func resume() throws {
        if let checkpoint = try trainer.checkpointToResume(store, group: group) {
            let state = try checkpoint.trainerState()
            try Trainer.restoreTrainable(from: checkpoint.adapterURL.appendingPathComponent(Trainer.trainableFile), parameters)
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
    }

    /// Steps until the last step, the last epoch or early stopping, evaluating at epoch ends when no
    /// `eval_every` is set.
    func trainToEnd() throws {
        trainer.model.base.train()
        defer { trainer.model.base.eval() }
        while step < totalSteps && !stoppedEarly {
            var batches: [[Int]] = []
            var epochEnded = false
            while batches.count < config.gradientAccumulationSteps {
                guard let batch = sampler.next() else { epochEnded = true; break }
                batches.append(batch)
            }
            if !batches.isEmpty { try takeStep(batches) }
            if epochEnded {
                if config.evalEverySteps == nil { try evaluate() }
                try userCallback("on_epoch", trainer.onEpoch, sampler.epoch)
                if sampler.epoch >= config.epochs { break }
            }
        }
    }

    /// The step stage: one optimiser step over the micro-batches `batches` (global indices; this rank takes its
    /// shard of each), then logging, callbacks and the evaluation and checkpoint due at this step.
    func takeStep(_ batches: [[Int]]) throws {
        let t0 = ProgressReporter.monotonicSeconds(), cpu0 = processCPUSeconds()
        let learningRate = try schedule.learningRate(atStep: step + 1)
        let normalizer = batches.reduce(0) { $0 + trainer.task.lossWeight($1) }
        if group.rank > 0 { context.rng = Trainer.dropoutGenerator(seed: config.seed, rank: group.rank, step: step) }
        var stepLoss = 0.0, stepTokens = 0, stepExamples = 0
        for batch in batches {
            let indices = Array(group.shard(of: batch))
            if indices.isEmpty { continue }
            let part = try phases.time("forward") {
                try trainer.task.loss(of: indices, normalizer: normalizer, model: trainer.model, context: context)
            }
            let value = Double(try part.loss.item())
            guard value.isFinite else { throw TrainingError.nonFiniteLoss(step: step + 1, loss: value, lastCheckpoint: lastCheckpoint) }
            if part.loss.requiresGrad { try phases.time("backward") { try part.loss.backward() } }
            stepLoss += value
            stepTokens += part.tokens
            stepExamples += part.examples
        }
        if group.size > 1 {
            var statistics = [stepLoss, Double(stepTokens), Double(stepExamples)]
            try phases.time("all_reduce") { try gradientSync.reduce(parameters, statistics: &statistics) }
            (stepLoss, stepTokens, stepExamples) = (statistics[0], Int(statistics[1]), Int(statistics[2]))
        }
        // Without clipping the norm is still measured (the NaN guard and on_step report it).
        let norm = try phases.time("optimizer") {
            let norm = try clipGradientNorm(parameters, maxNorm: config.maxGradNorm ?? Double.greatestFiniteMagnitude).norm
            guard norm.isFinite else { throw TrainingError.nonFiniteLoss(step: step + 1, loss: norm, lastCheckpoint: lastCheckpoint) }
            try GradMode.disabled { try optimizer.step(parameters, learningRate: learningRate) }
            optimizer.zeroGrad(parameters)
            return norm
        }
        step += 1
        examplesSeen += stepExamples
        tokensSeen += stepTokens
        trainSeconds += ProgressReporter.monotonicSeconds() - t0
        trainCPUSeconds += processCPUSeconds() - cpu0
        try log(loss: stepLoss, learningRate: learningRate, gradientNorm: norm)
        if let every = config.evalEverySteps, step % every == 0 { try evaluate() }
        if let every = config.checkpointEverySteps, step % every == 0 { try checkpoint() }
    }

    private func log(loss: Double, learningRate: Double, gradientNorm: Double) throws {
        lossHistory.append(MetricPoint(step: step, value: loss))
        windowLoss += loss
        windowSteps += 1
        let speed = Double(examplesSeen) / max(trainSeconds, 1e-9)
        progress?.update(step: step, epoch: sampler.epoch + 1, loss: loss, learningRate: learningRate, examplesPerSecond: speed)
        if step % config.logEverySteps == 0 || step == totalSteps {
            lastWindowLoss = windowLoss / Double(windowSteps)
            try run?.metrics.append(.train(step: step, epoch: epochNow, loss: lastWindowLoss, learningRate: learningRate, examplesPerSecond: speed))
            windowLoss = 0
            windowSteps = 0
        }
        try userCallback("on_step", trainer.onStep, StepReport(step: step, totalSteps: totalSteps, epoch: epochNow, loss: loss,
                                                              learningRate: learningRate, gradientNorm: gradientNorm,
                                                              examplesPerSecond: speed))
    }

    /// Runs a user callback (when there is one): its error becomes `TrainingError.callback`. (A frozen weight the
    /// callback writes reaches the next step: the packed operands follow the weights' `TensorStorage.version`.)
    private func userCallback<Argument>(_ name: String, _ callback: ((Argument) throws -> Void)?,
                                        _ argument: @autoclosure () -> Argument) throws {
        guard let callback else { return }
        do { try callback(argument()) } catch { throw TrainingError.callback(name: name, step: step, error: error) }
    }

    /// The evaluate stage: scores the evaluation task (if any), records it, tracks the best value of its
    /// selection metric for early stopping, redraws the plot.
    func evaluate() throws {
        guard let evaluation = trainer.evaluation else { return }
        var report = try phases.time("evaluation") { try evaluation.evaluate(trainer.model, batchSize: config.evalBatchSize, group: group) }
        report.step = step
        report.epoch = epochNow
        evaluations.append(report)
        let metric = evaluation.selectionMetric
        let value = report[metric.name] ?? report.loss
        evalHistory.append(MetricPoint(step: step, value: value))
        try run?.metrics.append(.eval(step: step, loss: report.loss, metrics: report.metrics))
        if evaluation.improves(value, on: best?.value) {
            best = MetricPoint(step: step, value: value)
            evalsWithoutImprovement = 0
        } else {
            evalsWithoutImprovement += 1
        }
        try writePlot()
        let figures = ([("loss", report.loss)] + report.metrics.map { ($0.name, $0.value) }).map { String(format: "%@ %.4f", $0.0, $0.1) }
        progress?.message("eval at step \(step): " + figures.joined(separator: ", "))
        try userCallback("on_eval", trainer.onEval, report)
        if let patience = config.earlyStoppingPatience, evalsWithoutImprovement >= patience { stoppedEarly = true }
    }

    /// The checkpoint stage: rank 0 writes trainable tensors, the adapter, optimiser and trainer state atomically.
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
        let parameters = self.parameters, saveAdapter = trainer.saveAdapter
        let saved = try phases.time("checkpoint") { try store.save(step: step, optimizerState: optimizer.state(), trainerState: state) { url in
            try SafeTensorsWriter.write(parameters.map { .float32($0.name, shape: $0.tensor.shape, values: $0.tensor.scalars) },
                                        to: url.appendingPathComponent(Trainer.trainableFile))
            try saveAdapter?(url)
        } }
        lastCheckpoint = saved.url.path
        lastCheckpointStep = step
    }

    private func writePlot() throws {
        let name = trainer.evaluation.map { "eval " + $0.selectionMetric.name.replacingOccurrences(of: "_", with: " ") } ?? "eval"
        try run?.writePlot(TrainingPlot(title: "loraf training", loss: lossHistory, evalMetric: evalHistory, evalMetricName: name))
    }

    /// The last evaluation and checkpoint if not yet done at the final step, the plot, and the run's summary.
    func finish() throws -> TrainingSummary {
        if windowSteps > 0 { lastWindowLoss = windowLoss / Double(windowSteps) }
        if trainer.evaluation != nil, evaluations.last?.step != step { try evaluate() }
        if store != nil, lastCheckpointStep != step { try checkpoint() }
        try writePlot()
        progress?.finish()
        return TrainingSummary(steps: step, epochs: epochNow, finalLoss: lastWindowLoss, lossHistory: lossHistory,
                               evaluations: evaluations, stoppedEarly: stoppedEarly, trainSeconds: trainSeconds,
                               trainCPUSeconds: trainCPUSeconds,
                               wallSeconds: ProgressReporter.monotonicSeconds() - started,
                               examplesPerSecond: Double(examplesSeen) / max(trainSeconds, 1e-9),
                               tokensPerSecond: Double(tokensSeen) / max(trainSeconds, 1e-9),
                               peakRSSBytes: peakResidentBytes(), peakTensorBytes: TensorStorage.peakLiveBytes, trainableParameters: parameters.reduce(0) { $0 + $1.tensor.count },
                               totalParameters: trainer.model.allParameters.reduce(0) { $0 + $1.tensor.count } + trainer.model.base.quantizedScalarCount,
                               allReduceSeconds: gradientSync.reduceSeconds, allReduceBytesPerStep: gradientSync.bytesPerCall,
                               phaseSeconds: phases.seconds)
    }
}
