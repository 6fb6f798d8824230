import Foundation
import LorafDistributed
import LorafGeneration
import LorafModels
import LorafTraining

/// What a Lua `InstructionDataset` value holds: chat or instruction records not yet tokenized (the model's
/// tokenizer, chat template, `train_on` and `max_length` come with `loraf.train`).
final class InstructionDatasetObject {
    let records: [InstructionRecord]
    let name: String
    init(_ records: [InstructionRecord], name: String) {
        self.records = records
        self.name = name
    }
}

/// The causal-LM side of `loraf.dataset`, `loraf.train` and `loraf.evaluate`: instruction and chat files, label
/// masks (`train_on`), packing and generation-based evaluation.
enum CausalLMTrainingBindings {
    static let instructionFormats = InstructionFormat.allCases.map(\.rawValue)
    /// The `loraf.train` / `loraf.evaluate` keys only a causal LM reads.
    static let keys = ["train_on", "overflow", "packing", "eval_generation"]

    static func defineClass(in module: LuaModuleBuilder) {
        let datasetClass = module.defineClass(InstructionDatasetObject.self, name: "InstructionDataset", doc: """
            Chat or instruction records (messages, sharegpt, prompt_completion, text or alpaca) read from a JSON or \
            JSONL file, for causal-LM training; `#ds` is the number of records.
            """)
        datasetClass.tostring { "InstructionDataset \($0.name) (\($0.records.count) records)" }
        datasetClass.method("size", doc: """
            ds:size() -> integer
            The number of records.
            """) { object, _ in [.integer(object.records.count)] }
        datasetClass.metamethod("__len") { args in [.integer(try args.object(1, as: InstructionDatasetObject.self).records.count)] }
    }

    /// The records of `path` when `format` names an instruction format, or when it is absent and the file is
    /// `.json`, or `.jsonl` whose first record has no `label` but one of the instruction keys; nil otherwise.
    static func read(_ path: String, format: String?, function: String) throws -> InstructionDatasetObject? {
        let chosen: InstructionFormat?
        if let format {
            guard let named = InstructionFormat(rawValue: format) else { return nil }
            chosen = named
        } else {
            guard InstructionDataset.holdsInstructions(path) else { return nil }
            chosen = nil
        }
        return InstructionDatasetObject(try InstructionDataset.readRecords(path, format: chosen), name: path)
    }

    /// `train`, `eval` or `data`: an InstructionDataset or a path read with the format detected.
    static func records(_ options: LuaOptions, _ key: String) throws -> [InstructionRecord]? {
        switch options.value(key) {
        case .nil: return nil
        case .string(let path): return try InstructionDataset.readRecords(path, format: nil)
        case .object(let object as InstructionDatasetObject): return object.records
        default: throw options.error(key, mustBe: "an InstructionDataset (loraf.dataset(path, {format = \"messages\"})) or a file path")
        }
    }

    /// The training and evaluation tasks of a causal-LM `loraf.train`.
    static func tasks(_ options: LuaOptions, model: ModelObject, maxLength: Int) throws -> (CausalLMTask, CausalLMTask?) {
        let tokenizer = try instructionTokenizer(options, model: model, maxLength: maxLength)
        let train = try dataset(options.required("train") { try records(options, $0) }, tokenizer, options, role: "train")
        let packing = try options.boolean("packing") ?? false
        let padId = tokenizer.tokenizer.padTokenId ?? tokenizer.tokenizer.eosTokenId ?? 0
        let trainTask = try CausalLMTask(train, padTokenId: padId, packing: packing)
        let check = try generationCheck(options, model: model)
        let evalTask = try records(options, "eval").map { records -> CausalLMTask in
            var task = try CausalLMTask(dataset(records, tokenizer, options, role: "eval"), padTokenId: padId)
            task.generationCheck = check
            return task
        }
        return (trainTask, evalTask)
    }

    /// The evaluation task of a causal-LM `loraf.evaluate`.
    static func evaluationTask(_ options: LuaOptions, model: ModelObject, maxLength: Int) throws -> CausalLMTask {
        let tokenizer = try instructionTokenizer(options, model: model, maxLength: maxLength)
        let data = try dataset(options.required("data") { try records(options, $0) }, tokenizer, options, role: "data")
        var task = try CausalLMTask(data, padTokenId: tokenizer.tokenizer.padTokenId ?? tokenizer.tokenizer.eosTokenId ?? 0)
        task.generationCheck = try generationCheck(options, model: model)
        return task
    }

    private static func instructionTokenizer(_ options: LuaOptions, model: ModelObject, maxLength: Int) throws -> InstructionTokenizer {
        let lm = try model.languageModel(for: options.function)
        var instruction = InstructionOptions(maxLength: maxLength)
        if let mode = try options.string("train_on") {
            guard let trainOn = TrainOn(rawValue: mode) else {
                throw options.error("train_on", mustBe: TrainOn.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
            }
            instruction.trainOn = trainOn
        }
        if let policy = try options.string("overflow") {
            guard let overflow = OverflowPolicy(rawValue: policy) else { throw options.error("overflow", mustBe: "\"truncate\" or \"drop\"") }
            instruction.overflow = overflow
        }
        return InstructionTokenizer(tokenizer: lm.tokenizer, chatTemplate: lm.chatTemplate, specialTokens: lm.specialTokens, options: instruction)
    }

    /// Tokenizes `records`; rank 0 warns on stderr when records were truncated, dropped or left without labels.
    private static func dataset(_ records: [InstructionRecord], _ tokenizer: InstructionTokenizer, _ options: LuaOptions,
                                role: String) throws -> InstructionDataset {
        let data = try InstructionDataset(records: records, tokenizer: tokenizer)
        let report = data.report
        if Distributed.world.isMain, !report.overflowing.isEmpty || !report.unlabelled.isEmpty {
            FileHandle.standardError.write(Data("\(options.function): \(role): \(report)\n".utf8))
        }
        guard !data.examples.isEmpty else { throw LuaError.argument("\(options.function): \(role): no examples left (\(report))") }
        return data
    }

    /// `eval_generation = true` or `{max_new_tokens = 16}`: greedy answers scored against the labelled text.
    private static func generationCheck(_ options: LuaOptions, model: ModelObject) throws -> GenerationCheck? {
        var maxNewTokens = 16
        switch options.value("eval_generation") {
        case .nil, .boolean(false): return nil
        case .boolean(true): break
        case .record(let fields):
            let o = try LuaOptions(function: options.function + " eval_generation", fields: fields, keys: ["max_new_tokens"])
            maxNewTokens = try o.positiveInteger("max_new_tokens") ?? maxNewTokens
        default: throw options.error("eval_generation", mustBe: "true or a table {max_new_tokens = 16}")
        }
        let lm = try model.languageModel(for: options.function)
        let stops = lm.withDefaultStops(GenerationOptions()).stopTokenIds
        let tokenizer = lm.tokenizer
        return GenerationCheck(maxNewTokens: maxNewTokens, stopTokenIds: stops) { (try? tokenizer.decode($0, skipSpecialTokens: true)) ?? "" }
    }
}
