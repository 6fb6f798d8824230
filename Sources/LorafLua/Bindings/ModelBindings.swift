import Foundation
import LorafModels
import LorafStrategies
import LorafTensor
import LorafTokenizers

/// `loraf.load_model` and the running and inspection methods of the `Model` class (adapters: ``AdapterBindings``).
enum ModelBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let modelClass = module.defineClass(ModelObject.self, name: "Model", doc: """
            A transformer model (BERT family) loaded from a Hugging Face folder, with its tokenizer and any \
            adapters attached. `tostring(model)` shows the module tree with paths, kinds and parameter shapes.
            """)
        modelClass.tostring { $0.adapted.base.description }
        module.function("load_model", doc: """
            loraf.load_model(path [, {task = "classification", num_labels = 2, seed = 0}]) -> Model
            Loads the model folder `path` (config.json, model.safetensors and the tokenizer). task "classification" \
            adds a sequence-classification head of num_labels outputs (newly initialised from `seed` unless the \
            checkpoint has one); task "base" is the bare encoder. The model starts in evaluation mode. Errors name \
            the file and field or tensor that is missing or wrong.
            """) { args in
            let directory = URL(fileURLWithPath: try args.string(1))
            let options = try args.options(2, keys: ["task", "num_labels", "seed"])
            let task: ModelTask
            switch try options.string("task") ?? "classification" {
            case "classification": task = .classification(numLabels: try options.positiveInteger("num_labels") ?? 2)
            case "base":
                guard !options.value("num_labels").isPresent else {
                    throw LuaError.argument("\(options.function): 'num_labels' only applies to task \"classification\"")
                }
                task = .base
            default: throw options.error("task", mustBe: "\"classification\" or \"base\"")
            }
            let seed = try options.integer("seed") ?? 0
            let model = try ModelLoader.load(directory, task: task, seed: UInt64(bitPattern: Int64(seed)))
            let tokenizer = Result { try WordPieceTokenizer(modelDirectory: directory) }
            return [.object(ModelObject(adapted: AdaptedModel(model), directory: directory, tokenizer: tokenizer))]
        }
        registerRunning(on: modelClass)
        ModelInspection.register(on: modelClass)
        AdapterBindings.register(on: modelClass)
    }

    private static func registerRunning(on modelClass: LuaClass<ModelObject>) {
        modelClass.method("forward", doc: """
            model:forward{texts = {...} | input_ids = ..., attention_mask = ..., token_type_ids = ..., \
            pairs = {...}, max_length = n, adapter_names = {...}} -> table
            Runs the model on a batch in its current mode (dropout in training mode) without recording gradients. \
            `texts` (and `pairs`) are tokenized and padded to the longest; or give `input_ids` (and optionally \
            `attention_mask`, 1 = token, and `token_type_ids`) as [batch, seq] lists of lists or tensors. \
            `adapter_names` picks an adapter per example: a name, or false or "" for the base model. Returns \
            {last_hidden_state = Tensor [B, S, H], pooler_output = Tensor [B, H], logits = Tensor [B, labels]}; \
            the fields a model lacks are nil.
            """) { object, args in
            let options = try args.options(2, keys: ModelInputs.textKeys + ModelInputs.tensorKeys + ["adapter_names"])
            let input = try ModelInputs.batch(options, model: object, adapterNames: try ModelInputs.adapterNames(options))
            let output = try GradMode.disabled { try object.adapted.forward(input, object.adapted.makeContext()) }
            return [.record([
                "last_hidden_state": args.result(output.lastHiddenState),
                "pooler_output": output.poolerOutput.map(args.result) ?? .nil,
                "logits": output.logits.map(args.result) ?? .nil,
            ])]
        }
        modelClass.method("predict", doc: """
            model:predict{texts = {...}, pairs = {...}, max_length = n} -> {labels = {...}, probs = {{...}}}
            Classifies texts in evaluation mode without gradients: `labels` are the most probable class ids, \
            counted from 0 as in the data files, and `probs` the softmax of the logits, one list per text. \
            Errors for a model without a classification head.
            """) { object, args in
            let options = try args.options(2, keys: ModelInputs.textKeys)
            let input = try ModelInputs.batch(options, model: object)
            let logits = try object.evaluating { try object.adapted.forward(input, object.adapted.makeContext()).logits }
            guard let logits else {
                throw LuaError.argument("\(args.function): the model has no classification head (load it with task = \"classification\")")
            }
            let probs = try logits.softmax()
            let labels = try logits.argmax(axis: -1).scalars
            return [.record(["labels": .list(labels.map(LuaValue.integer)), "probs": TensorConversion.table(of: probs)])]
        }
        modelClass.method("embed", doc: """
            model:embed{texts = {...}, max_length = n, normalize = false} -> Tensor
            Sentence embeddings [B, H]: the mean of the last hidden states over each text's tokens (padding \
            excluded), as sentence-transformers pools all-MiniLM-L6-v2; with normalize = true each row is divided \
            by its Euclidean norm, so dot products are cosine similarities. Evaluation mode, no gradients.
            """) { object, args in
            let options = try args.options(2, keys: ["texts", "max_length", "normalize"])
            let normalize = try options.boolean("normalize") ?? false
            let input = try ModelInputs.batch(options, model: object)
            let embeddings = try object.evaluating { () throws -> Tensor in
                let hidden = try object.adapted.forward(input, object.adapted.makeContext()).lastHiddenState
                let pooled = try meanPooled(hidden, attentionMask: input.attentionMask)
                guard normalize else { return pooled }
                return try pooled / (try (pooled * pooled).sum(axes: [-1], keepDims: true)).sqrt()
            }
            return [args.result(embeddings)]
        }
        modelClass.method("eval", doc: """
            model:eval()
            Evaluation mode: dropout off.
            """) { object, _ in object.adapted.base.eval(); return [] }
        modelClass.method("train", doc: """
            model:train()
            Training mode: dropout on.
            """) { object, _ in object.adapted.base.train(); return [] }
    }
}
