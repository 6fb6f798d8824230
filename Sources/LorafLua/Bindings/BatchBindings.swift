import LorafModels
import LorafTensor
import LorafTraining

/// What a Lua `Inputs` value holds: one padded batch ready for `model:forward{inputs = ...}`.
final class InputsObject {
    let input: ModelInput
    init(_ input: ModelInput) { self.input = input }
}

/// What a Lua `Batches` value holds: a tokenized data set and the sampler loraf.train would draw from.
final class BatchesObject {
    let data: TokenizedDataset
    var sampler: BatchSampler
    init(data: TokenizedDataset, sampler: BatchSampler) {
        self.data = data
        self.sampler = sampler
    }
}

/// `loraf.batches` and the `Batches` and `Inputs` classes: the training batches of loraf.train (the same
/// tokenization, `Trainer.batchPlan` and `BatchSampler` with the same seed), for a loop written in Lua.
enum BatchBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        module.function("batches", doc: """
            loraf.batches(data, {model = m, batch_size = 32, max_length = 128, seed = 42, group_by_length = false}) -> Batches
            The batches loraf.train{train = data, ...} trains on with the same settings, in the same order: \
            `data` is a Dataset or a file path, tokenized with the model's tokenizer (truncated to max_length) and \
            shuffled every epoch from `seed`. b:next() returns the next batch of the epoch, or nil when the epoch \
            is over (the following call starts the next epoch); `for batch in b do ... end` runs one epoch. A \
            batch is {inputs = Inputs (for model:forward{inputs = ...}), labels = {ids from 0}, size = n, \
            tokens = real tokens, epoch = 1-based epoch}.
            Example:
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            local batches = loraf.batches("data/sst2/dev.txt", {model = model, batch_size = 4, max_length = 16})
            local batch = batches:next()
            print(#batches, batch.size, #batch.labels, batch.epoch, batch.inputs)
            --> 218\t4\t4\t1\tInputs [4, 16]
            """) { args in
            let options = try args.options(2, keys: ["model", "batch_size", "max_length", "seed", "group_by_length"])
            let model = try options.required("model") { try options.object($0, as: ModelObject.self) }
            let tokenizer = try model.classificationTokenizer(for: options.function)
            let examples: TextClassificationDataset
            switch args.value(1) {
            case .object(let object as DatasetObject): examples = object.dataset
            case .string(let path):
                let none = try LuaOptions(function: args.function, fields: [:], keys: [])
                examples = try TrainingBindings.readDataset(path, none, numLabels: model.adapted.base.numLabels).dataset
            default: throw args.error(1, "Dataset or file path expected, got \(args.value(1).errorDescription)")
            }
            let defaults = TrainingConfig()
            let data = try TokenizedDataset(examples, tokenizer: tokenizer, maxLength: try options.positiveInteger("max_length") ?? defaults.maxLength)
            let plan = try Trainer.batchPlan(for: data, batchSize: try options.positiveInteger("batch_size") ?? defaults.batchSize,
                                             groupByLength: try options.boolean("group_by_length") ?? false)
            let seed = try options.integer("seed").map { UInt64(bitPattern: Int64($0)) } ?? defaults.seed
            return [.object(BatchesObject(data: data, sampler: BatchSampler(plan: plan, seed: seed)))]
        }
        registerClasses(in: module)
    }

    private static func registerClasses(in module: LuaModuleBuilder) {
        let batchesClass = module.defineClass(BatchesObject.self, name: "Batches", doc: """
            Training batches from loraf.batches: b:next(), `for batch in b do ... end`, b:epoch(), #b.
            """)
        batchesClass.tostring { "Batches (\($0.data.count) examples, \($0.sampler.plan.batchesPerEpoch) batches per epoch)" }
        batchesClass.method("next", doc: """
            b:next() -> batch or nil
            The next batch of the current epoch (see loraf.batches), or nil when the epoch is over.
            """) { object, args in [try nextBatch(object, args)] }
        batchesClass.metamethod("__call") { args in [try nextBatch(try args.object(1, as: BatchesObject.self), args)] }
        batchesClass.metamethod("__len") { args in [.integer(try args.object(1, as: BatchesObject.self).sampler.plan.batchesPerEpoch)] }
        batchesClass.method("epoch", doc: """
            b:epoch() -> integer
            The 1-based epoch the next batch belongs to.
            """) { object, _ in [.integer(object.sampler.epoch + 1)] }

        let inputsClass = module.defineClass(InputsObject.self, name: "Inputs", doc: """
            A padded batch of token ids, attention mask and token types for model:forward{inputs = ...}.
            """)
        inputsClass.tostring { "Inputs [\($0.input.batchSize), \($0.input.sequenceLength)]" }
        inputsClass.method("input_ids", doc: """
            inputs:input_ids() -> Tensor
            The token ids [B, S] (padding included) as a tensor.
            """) { object, args in [args.result(object.input.inputIds.toFloat())] }
    }

    private static func nextBatch(_ object: BatchesObject, _ args: LuaArguments) throws -> LuaValue {
        let epoch = object.sampler.epoch + 1
        guard let indices = object.sampler.next() else { return .nil }
        let (input, labels, tokens) = try object.data.batch(indices)
        return .record(["inputs": .object(InputsObject(input)), "labels": .list(labels.scalars.map(LuaValue.integer)),
                        "size": .integer(indices.count), "tokens": .integer(tokens), "epoch": .integer(epoch)])
    }
}
