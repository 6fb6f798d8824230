import Foundation
import LorafDistributed
import LorafModels
import LorafStrategies
import LorafTraining

/// What a Lua `Dataset` value holds.
final class DatasetObject {
    let dataset: TextClassificationDataset
    let name: String
    init(_ dataset: TextClassificationDataset, name: String) {
        self.dataset = dataset
        self.name = name
    }
}

/// `loraf.dataset`, `loraf.train` and `loraf.evaluate`: data files and the training loop from Lua.
enum TrainingBindings: LuaBindings {
    static let readKeys = ["format", "encoding", "num_labels", "label_names", "text_field", "text_pair_field", "label_field", "limit", "on_bad_line"]

    static func register(in module: LuaModuleBuilder) throws {
        let datasetClass = module.defineClass(DatasetObject.self, name: "Dataset", doc: """
            Labelled sentences (or sentence pairs) read from a file; `#ds` is the number of examples.
            """)
        datasetClass.tostring { "Dataset \($0.name) (\($0.dataset.count) examples)" }
        datasetClass.method("size", doc: """
            ds:size() -> integer
            The number of examples.
            """) { object, _ in [.integer(object.dataset.count)] }
        datasetClass.method("split", doc: """
            ds:split(fraction [, {seed = 0}]) -> train, holdout
            Splits off a random `fraction` (0 < fraction < 1) as a held-out set, deterministically from `seed` \
            (TREC has no dev split: hold out part of train).
            """) { object, args in
            let fraction = try args.number(2)
            let seed = try args.options(3, keys: ["seed"]).integer("seed") ?? 0
            let (train, holdout) = try object.dataset.split(holdout: fraction, seed: UInt64(bitPattern: Int64(seed)))
            return [.object(DatasetObject(train, name: object.name + "[train]")), .object(DatasetObject(holdout, name: object.name + "[holdout]"))]
        }
        datasetClass.metamethod("__len") { args in [.integer(try args.object(1, as: DatasetObject.self).dataset.count)] }
        CausalLMTrainingBindings.defineClass(in: module)

        module.function("dataset", doc: """
            loraf.dataset(path [, {format, encoding = "utf-8", num_labels, label_names, text_field = "text", \
            text_pair_field = "text_pair", label_field = "label", limit, on_bad_line = "error"}]) -> Dataset or InstructionDataset
            Reads chat or instruction records for a causal LM (an InstructionDataset) when format is "messages", \
            "sharegpt", "prompt_completion", "text" or "alpaca", or when no format is given and the file is .json, \
            or .jsonl whose first record has no label but one of the keys messages, conversations, prompt, \
            instruction, text (docs/data.md); a malformed record or unknown role stops with file:line. Otherwise \
            reads labelled text for classification (a Dataset): the `LABEL TEXT` line format (.txt), CSV/TSV with \
            a header, or JSONL (format is inferred from the extension unless given). encoding "utf-8" or "latin-1": bytes not valid in it stop \
            with an error naming the file and line, as does a label outside 0..num_labels-1. Empty lines are skipped. \
            A malformed line (a label with no text, a bad label, a wrong field count) stops with file:line unless \
            on_bad_line = "skip": then such lines are skipped and counted, with one warning on stderr naming the \
            first few.
            """) { args in
            let path = try args.string(1)
            let options = try args.options(2, keys: readKeys)
            if let examples = try PluginBindings.readDataset(path, options, table: args.value(2), extensions: args.state.extensions) {
                return [.object(DatasetObject(examples, name: path))]
            }
            if let records = try CausalLMTrainingBindings.read(path, format: try options.string("format"), function: args.function) {
                return [.object(records)]
            }
            return [.object(try readDataset(path, options, numLabels: nil))]
        }

        module.function("train", doc: """
            loraf.train{model = m, train = ds_or_path, eval = ds_or_path, epochs = 3, batch_size = 32, \
            eval_batch_size = 64, max_length = 128, optimizer = {"adamw", lr = 1e-3, weight_decay = 0.01}, \
            schedule = {"linear", warmup = 0.06}, seed = 42, gradient_accumulation_steps = 1, max_grad_norm = 1.0, \
            eval_every, log_every = 50, checkpoint_every, keep_checkpoints = 2, run_dir, resume = false, \
            early_stopping_patience, group_by_length = false, max_steps, gradient_checkpointing, compute_dtype, \
            on_step, on_eval, on_epoch, train_on = "assistant", overflow = "truncate", packing = false, eval_generation} -> metrics
            Fine-tunes the model's active adapter (every parameter when it has none) for the model's task. \
            Classification: train/eval are labelled text (a Dataset or path); the loss is the mean cross-entropy \
            over examples; evaluation gives accuracy and macro-F1. Causal LM (loraf.load_model of a decoder): \
            train/eval are InstructionDatasets or paths; chat records go through the model's chat template; \
            train_on ("assistant", "completion", "last" or "all") picks the labelled tokens; records longer than \
            max_length (default 1024 for a causal LM) are truncated or dropped (overflow) and counted on stderr; \
            packing = true packs short examples into rows of max_length tokens without attention across them; the \
            loss is the summed cross-entropy of labelled tokens over the labelled tokens of the whole accumulated \
            batch; evaluation gives loss and perplexity, and with eval_generation = true or {max_new_tokens = 16} \
            generation_accuracy (greedy answers equal to the labelled text, trimmed). gradient_checkpointing = true \
            recomputes each block's activations in backward (model:gradient_checkpointing): less memory, more time. \
            compute_dtype = "bf16" makes the frozen linear layers (not LoRA, the head or anything trained) compute in \
            bfloat16 with sums in fp32 on CPUs with AVX512_BF16 (fp32 elsewhere, with one notice); it stays set on \
            the model (model:compute_dtype); without it the model's own setting is kept. \
            optimizer: {"adamw", lr, weight_decay, betas = {0.9, 0.999}, eps = 1e-8} or {"sgd", lr, momentum, \
            weight_decay, nesterov}. schedule: "constant", {"linear", warmup = fraction or steps}, {"cosine", \
            warmup}, or a function(step) returning the learning rate. Evaluation (accuracy, macro-F1) runs every \
            eval_every steps or at each epoch end. run_dir gets metrics.jsonl, script.lua, plot.svg and \
            checkpoints (atomic); resume = true continues exactly from the newest. An error in a callback, or a \
            NaN loss, stops training with the last checkpoint intact. Under mpirun (docs/distributed.md) every rank \
            calls it: batch_size stays the global batch, each rank trains on its share, and only rank 0 writes \
            run_dir and prints progress; every rank returns the same metrics. Returns a table of metrics (steps, \
            final_loss, eval_loss and eval_<metric> of the last evaluation (eval_accuracy, eval_macro_f1; \
            eval_perplexity, eval_generation_accuracy), best_<selection metric> (best_accuracy; best_perplexity or \
            best_generation_accuracy), train_seconds, train_cpu_seconds (user + system CPU seconds of all threads in \
            the training steps), phase_seconds = {forward, backward, all_reduce, optimizer, \
            evaluation, checkpoint}, examples_per_second, \
            tokens_per_second, peak_rss_mb, peak_tensor_mb (the peak of tensor memory: parameters, activations, \
            gradients, optimizer state), trainable_parameters, total_parameters, all_reduce_seconds, \
            all_reduce_bytes_per_step, evaluations = {...}).
            """) { args in
            let options = try args.options(1, keys: trainKeys)
            let model = try options.required("model") { try options.object($0, as: ModelObject.self) }
            let trainer = try makeTrainer(options, model: model, state: args.state)
            let summary = try trainer.fit()
            return [summaryTable(summary, selection: trainer.evaluation?.selectionMetric)]
        }
        registerEvaluate(in: module)
    }

    /// `loraf.evaluate{model, data, batch_size, max_length}`.
    static func registerEvaluate(in module: LuaModuleBuilder) {
        module.function("evaluate", doc: """
            loraf.evaluate{model = m, data = ds_or_path, batch_size = 64, max_length, train_on, overflow, \
            eval_generation} -> {loss, examples, accuracy, macro_f1 | perplexity, generation_accuracy}
            Scores the model (active adapter) in evaluation mode, without gradients: a classifier on labelled data \
            (accuracy, macro-F1; max_length 128), a causal LM on instruction data (loss per labelled token, \
            perplexity, and with eval_generation the accuracy of greedy answers; options as in loraf.train).
            """) { args in
            let options = try args.options(1, keys: ["model", "data", "batch_size", "max_length"] + CausalLMTrainingBindings.keys)
            let model = try options.required("model") { try options.object($0, as: ModelObject.self) }
            let batchSize = try options.positiveInteger("batch_size") ?? 64
            if model.adapted.base.task == .causalLM {
                let task = try CausalLMTrainingBindings.evaluationTask(options, model: model, maxLength: try options.positiveInteger("max_length") ?? 1024)
                return [evalTable(try task.evaluate(model.adapted, batchSize: batchSize, group: SingleProcess()))]
            }
            let tokenizer = try model.classificationTokenizer(for: options.function)
            guard let data = try dataset(options, "data", numLabels: model.adapted.base.numLabels) else {
                throw LuaError.argument("\(options.function): missing required argument 'data'")
            }
            let tokenized = try TokenizedDataset(data, tokenizer: tokenizer, maxLength: try options.positiveInteger("max_length") ?? 128)
            return [evalTable(try Trainer.evaluate(model.adapted, on: tokenized, batchSize: batchSize))]
        }
    }

    static let trainKeys = ["model", "train", "eval", "epochs", "batch_size", "eval_batch_size", "max_length", "optimizer",
                            "schedule", "seed", "gradient_accumulation_steps", "max_grad_norm", "eval_every", "log_every",
                            "checkpoint_every", "keep_checkpoints", "run_dir", "resume", "early_stopping_patience",
                            "group_by_length", "max_steps", "on_step", "on_eval", "on_epoch", "gradient_checkpointing",
                            "compute_dtype"] + CausalLMTrainingBindings.keys

    static func readDataset(_ path: String, _ options: LuaOptions, numLabels: Int?) throws -> DatasetObject {
        var read = DatasetReadOptions()
        switch try options.string("encoding") ?? "utf-8" {
        case "utf-8", "utf8": read.encoding = .utf8
        case "latin-1", "latin1", "iso-8859-1": read.encoding = .latin1
        default: throw options.error("encoding", mustBe: "\"utf-8\" or \"latin-1\"")
        }
        read.numLabels = try options.positiveInteger("num_labels") ?? numLabels
        read.labelNames = try options.stringList("label_names")
        if let field = try options.string("text_field") { read.textField = field }
        if let field = try options.string("text_pair_field") { read.textPairField = field }
        if let field = try options.string("label_field") { read.labelField = field }
        read.limit = try options.positiveInteger("limit")
        switch try options.string("on_bad_line") ?? "error" {
        case "error": read.onBadLine = .stop
        case "skip": read.onBadLine = .skip
        default: throw options.error("on_bad_line", mustBe: "\"error\" or \"skip\"")
        }
        let format: DatasetFormat?
        switch try options.string("format") {
        case nil: format = nil
        case "text"?, "label_text"?: format = .labelText
        case "csv"?: format = .csv
        case "tsv"?: format = .tsv
        case "jsonl"?: format = .jsonl
        default: throw options.error("format", mustBe: "\"text\", \"csv\", \"tsv\" or \"jsonl\"")
        }
        let (dataset, skipped) = try TextClassificationDataset.readReporting(path, format: format, options: read)
        if let warning = TextClassificationDataset.skippedLinesWarning(skipped, path: path) {
            FileHandle.standardError.write(Data("\(options.function): warning: \(warning)\n".utf8))
        }
        return DatasetObject(dataset, name: path)
    }

    /// `train` / `eval`: a Dataset or a path read with the model's number of labels.
    static func dataset(_ options: LuaOptions, _ key: String, numLabels: Int?) throws -> TextClassificationDataset? {
        switch options.value(key) {
        case .nil: return nil
        case .string(let path):
            return try readDataset(path, LuaOptions(function: options.function, fields: [:], keys: []), numLabels: numLabels).dataset
        case .object(let object as DatasetObject): return object.dataset
        default: throw options.error(key, mustBe: "a Dataset (loraf.dataset) or a file path")
        }
    }

    static func makeTrainer(_ options: LuaOptions, model: ModelObject, state: LuaState) throws -> Trainer {
        let causal = model.adapted.base.task == .causalLM
        let config = try trainingConfig(options, state: state, defaultMaxLength: causal ? 1024 : 128)
        let trainer: Trainer
        if causal {
            let (train, eval) = try CausalLMTrainingBindings.tasks(options, model: model, maxLength: config.maxLength)
            trainer = Trainer(model: model.adapted, config: config, task: train, evaluation: eval)
        } else {
            let (train, eval) = try classificationTasks(options, model: model, maxLength: config.maxLength)
            trainer = Trainer(model: model.adapted, config: config, task: train, evaluation: eval)
        }
        trainer.processGroup = Distributed.world
        try attachCallbacks(trainer, options, state: state)
        let adapted = model.adapted, directory = model.directory
        trainer.saveAdapter = { url in
            if let name = adapted.activeAdapter {
                try AdapterFiles.save(adapted, adapter: name, to: url, baseModelName: directory.lastPathComponent)
            }
        }
        return trainer
    }

    /// The training and evaluation tasks of a classification `loraf.train`.
    static func classificationTasks(_ options: LuaOptions, model: ModelObject, maxLength: Int) throws -> (ClassificationTask, ClassificationTask?) {
        if let misplaced = CausalLMTrainingBindings.keys.first(where: { options.value($0).isPresent }) {
            throw LuaError.argument("\(options.function): '\(misplaced)' is for causal language models; this model is for \(model.adapted.base.task)")
        }
        let tokenizer = try model.classificationTokenizer(for: options.function)
        let numLabels = model.adapted.base.numLabels
        guard numLabels != nil else {
            throw LuaError.argument("\(options.function): the model has no classification head (load it with task = \"classification\")")
        }
        guard let trainData = try dataset(options, "train", numLabels: numLabels) else {
            throw LuaError.argument("\(options.function): missing required argument 'train'")
        }
        let train = try TokenizedDataset(trainData, tokenizer: tokenizer, maxLength: maxLength)
        let eval = try dataset(options, "eval", numLabels: numLabels).map { try TokenizedDataset($0, tokenizer: tokenizer, maxLength: maxLength) }
        return (ClassificationTask(train), eval.map(ClassificationTask.init))
    }

    /// The `loraf.train` options shared by every task.
    static func trainingConfig(_ options: LuaOptions, state: LuaState, defaultMaxLength: Int) throws -> TrainingConfig {
        var config = TrainingConfig()
        config.maxLength = defaultMaxLength
        if let v = try options.positiveInteger("epochs") { config.epochs = v }
        if let v = try options.positiveInteger("batch_size") { config.batchSize = v }
        if let v = try options.positiveInteger("eval_batch_size") { config.evalBatchSize = v }
        if let v = try options.positiveInteger("max_length") { config.maxLength = v }
        if let v = try options.integer("seed") { config.seed = UInt64(bitPattern: Int64(v)) }
        if let v = try options.positiveInteger("gradient_accumulation_steps") { config.gradientAccumulationSteps = v }
        if options.value("max_grad_norm").isPresent {
            if case .boolean(false) = options.value("max_grad_norm") { config.maxGradNorm = nil } else { config.maxGradNorm = try options.number("max_grad_norm") }
        }
        config.evalEverySteps = try options.positiveInteger("eval_every")
        if let v = try options.positiveInteger("log_every") { config.logEverySteps = v }
        config.checkpointEverySteps = try options.positiveInteger("checkpoint_every")
        if let v = try options.positiveInteger("keep_checkpoints") { config.keepCheckpoints = v }
        config.runDirectory = try options.string("run_dir").map { URL(fileURLWithPath: $0, isDirectory: true) }
        config.resume = try options.boolean("resume") ?? false
        config.earlyStoppingPatience = try options.positiveInteger("early_stopping_patience")
        config.groupByLength = try options.boolean("group_by_length") ?? false
        config.maxSteps = try options.positiveInteger("max_steps")
        config.gradientCheckpointing = try options.boolean("gradient_checkpointing")
        if let name = try options.string("compute_dtype") {
            guard let dtype = ComputeDType(rawValue: name) else { throw options.error("compute_dtype", mustBe: "\"fp32\" or \"bf16\"") }
            config.computeDType = dtype
        }
        config.optimizer = try optimizer(options)
        config.schedule = try PluginBindings.schedule(options, extensions: state.extensions) ?? schedule(options)
        if case .string(let path)? = try? state.execute("return arg and arg[0]").first, FileManager.default.fileExists(atPath: path) {
            config.scriptSource = try? String(contentsOfFile: path, encoding: .utf8)
        }
        try config.validate()
        return config
    }

    /// The call's on_step/on_eval/on_epoch and the callbacks Lua plugins registered.
    static func attachCallbacks(_ trainer: Trainer, _ options: LuaOptions, state: LuaState) throws {
        // The call's own on_<event>, then those Lua plugins registered (loraf.register_callback).
        func callbacks(_ event: String) throws -> [LuaFunction] {
            try [options.function("on_" + event)].compactMap { $0 } + state.extensions.table.callbacks[event, default: []]
        }
        let onStep = try callbacks("step"), onEval = try callbacks("eval"), onEpoch = try callbacks("epoch")
        if !onStep.isEmpty {
            trainer.onStep = { report in
                let info = LuaValue.record(["step": .integer(report.step), "total_steps": .integer(report.totalSteps),
                                            "epoch": .number(report.epoch), "loss": .number(report.loss),
                                            "lr": .number(report.learningRate), "grad_norm": .number(report.gradientNorm),
                                            "examples_per_second": .number(report.examplesPerSecond)])
                for callback in onStep { _ = try callback.call([info]) }
            }
        }
        if !onEval.isEmpty {
            trainer.onEval = { report in for callback in onEval { _ = try callback.call([evalTable(report)]) } }
        }
        if !onEpoch.isEmpty {
            trainer.onEpoch = { epoch in for callback in onEpoch { _ = try callback.call([.integer(epoch)]) } }
        }
    }

    static func optimizer(_ options: LuaOptions) throws -> TrainingConfig.OptimizerChoice {
        guard options.value("optimizer").isPresent else { return TrainingConfig().optimizer }
        guard case .record(let fields) = options.value("optimizer") else {
            throw options.error("optimizer", mustBe: "a table such as {\"adamw\", lr = 1e-3, weight_decay = 0.01}")
        }
        let o = try LuaOptions(function: options.function + " optimizer", fields: fields,
                               keys: ["1", "lr", "weight_decay", "betas", "eps", "momentum", "nesterov"])
        let lr = try o.required("lr") { try o.number($0) }
        switch try o.string("1") ?? "adamw" {
        case "adamw":
            var betas = (0.9, 0.999)
            if case .list(let items) = o.value("betas") {
                guard items.count == 2, let b1 = items[0].numberValue, let b2 = items[1].numberValue else { throw o.error("betas", mustBe: "two numbers") }
                betas = (b1, b2)
            }
            return .adamW(learningRate: lr, weightDecay: try o.number("weight_decay") ?? 0.01, beta1: betas.0, beta2: betas.1, epsilon: try o.number("eps") ?? 1e-8)
        case "sgd":
            return .sgd(learningRate: lr, momentum: try o.number("momentum") ?? 0, weightDecay: try o.number("weight_decay") ?? 0,
                        nesterov: try o.boolean("nesterov") ?? false)
        default:
            throw o.error("1", mustBe: "\"adamw\" or \"sgd\" (the optimizer's name, first in the table)")
        }
    }

    static func schedule(_ options: LuaOptions) throws -> TrainingConfig.ScheduleChoice {
        switch options.value("schedule") {
        case .nil: return TrainingConfig().schedule
        case .string("constant"): return .constant
        case .function(let function):
            return .custom { step in
                guard let rate = try function.call([.integer(step)]).first?.numberValue else {
                    throw TrainingError.invalidConfig("the schedule function must return a number for step \(step)")
                }
                return rate
            }
        case .record(let fields):
            let o = try LuaOptions(function: options.function + " schedule", fields: fields, keys: ["1", "warmup"])
            let warmup = try self.warmup(o)
            switch try o.string("1") {
            case "linear"?: return .linear(warmup: warmup)
            case "cosine"?: return .cosine(warmup: warmup)
            case "constant"?: return .constant
            default: throw o.error("1", mustBe: "\"linear\", \"cosine\" or \"constant\"")
            }
        default:
            throw options.error("schedule", mustBe: "\"constant\", a table such as {\"linear\", warmup = 0.06}, or a function of the step")
        }
    }

    /// The `warmup` named argument: a fraction of the steps in [0, 1) or a whole number of steps (absent: none).
    static func warmup(_ o: LuaOptions) throws -> Warmup {
        switch o.value("warmup") {
        case .nil, .integer(0): return .steps(0)
        case .integer(let steps) where steps >= 1: return .steps(steps)
        case .number(let fraction) where fraction >= 0 && fraction < 1: return .fraction(fraction)
        default: throw o.error("warmup", mustBe: "a fraction of the steps in [0, 1) or a whole number of steps")
        }
    }

    static func evalTable(_ report: EvalReport) -> LuaValue {
        var fields: [String: LuaValue] = ["step": .integer(report.step), "epoch": .number(report.epoch), "loss": .number(report.loss),
                                          "examples": .integer(report.examples)]
        for metric in report.metrics { fields[metric.name] = .number(metric.value) }
        return .record(fields)
    }

    static func summaryTable(_ s: TrainingSummary, selection: (name: String, higherIsBetter: Bool)?) -> LuaValue {
        var fields: [String: LuaValue] = [
            "steps": .integer(s.steps), "epochs": .number(s.epochs), "final_loss": .number(s.finalLoss),
            "train_seconds": .number(s.trainSeconds), "train_cpu_seconds": .number(s.trainCPUSeconds),
            "wall_seconds": .number(s.wallSeconds),
            "examples_per_second": .number(s.examplesPerSecond), "tokens_per_second": .number(s.tokensPerSecond),
            "peak_rss_mb": .number(Double(s.peakRSSBytes) / 1_048_576),
            "peak_tensor_mb": .number(Double(s.peakTensorBytes) / 1_048_576), "trainable_parameters": .integer(s.trainableParameters),
            "total_parameters": .integer(s.totalParameters), "stopped_early": .boolean(s.stoppedEarly),
            "evaluations": .list(s.evaluations.map(evalTable)),
            "all_reduce_seconds": .number(s.allReduceSeconds), "all_reduce_bytes_per_step": .integer(s.allReduceBytesPerStep),
            "phase_seconds": .record(s.phaseSeconds.mapValues { .number($0) }),
        ]
        if let last = s.finalEval {
            fields["eval_loss"] = .number(last.loss)
            for metric in last.metrics { fields["eval_" + metric.name] = .number(metric.value) }
        }
        if let selection, case let values = s.evaluations.compactMap({ $0[selection.name] }), !values.isEmpty {
            fields["best_" + selection.name] = .number(selection.higherIsBetter ? values.max()! : values.min()!)
        }
        return .record(fields)
    }
}
