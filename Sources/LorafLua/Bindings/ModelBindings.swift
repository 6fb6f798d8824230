import Foundation
import LorafModels
import LorafStrategies
import LorafTemplates
import LorafTensor
import LorafTokenizers
import LorafTraining

/// `loraf.load_model` and the running and inspection methods of the `Model` class (adapters: ``AdapterBindings``).
enum ModelBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let modelClass = module.defineClass(ModelObject.self, name: "Model", doc: """
            A transformer model (BERT, Llama, Qwen2, Mistral) loaded from a Hugging Face folder or a GGUF file, with \
            its tokenizer and any adapters attached. `tostring(model)` (and the REPL) shows the module tree: one line per module with its \
            Hugging Face path, kind, configuration and parameter shapes, the trained ones marked `trains`.
            Example:
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            local lines = {}
            for line in tostring(model):gmatch("[^\\n]+") do lines[#lines + 1] = line end
            print(lines[1]); print(lines[3]); print(lines[4])
            --> BertForSequenceClassification from all-MiniLM-L6-v2: 22713986 parameters, 0 adapter(s)
            -->   bert.embeddings: BertEmbeddings
            -->     bert.embeddings.word_embeddings: Embedding (count=30522, dim=384, weight [30522, 384] trains)
            """)
        modelClass.tostring { ModelInspection.tree($0) }
        module.function("load_model", doc: """
            loraf.load_model(path [, {task = ..., num_labels = 2, seed = 0}]) -> Model
            Loads a Hugging Face model folder (config.json, model.safetensors or shards, the tokenizer) or a GGUF \
            file, with its tokenizer and chat template. task "causal_lm" (the default for a GGUF file and for a \
            folder whose config names a ...ForCausalLM) keeps the language-modelling head; "classification" (the \
            default otherwise) adds a sequence-classification head of num_labels outputs (at most 2^20; newly \
            initialised from `seed` unless the checkpoint has one); "base" is the bare body. A GGUF model keeps its quantized \
            weights in their blocks. The model starts in evaluation mode. Errors name the file and field or tensor \
            that is missing or wrong.
            Example:
            local lm = loraf.load_model("models/SmolLM2-135M-Instruct.Q4_1.gguf")
            print((lm:generate{messages = {{role = "user", content = "What is the capital of France?"}}, max_new_tokens = 16}))
            --> The capital of France is Paris.
            """) { args in
            let url = URL(fileURLWithPath: try args.string(1))
            let options = try args.options(2, keys: ["task", "num_labels", "seed"])
            let task: ModelTask
            switch try options.string("task") ?? ModelBindings.defaultTask(for: url) {
            case "classification":
                let numLabels = try options.positiveInteger("num_labels") ?? 2
                guard numLabels <= ModelBindings.maximumLabels else {
                    throw options.error("num_labels", mustBe: "an integer in [1, \(ModelBindings.maximumLabels)]")
                }
                task = .classification(numLabels: numLabels)
            case let other:
                guard !options.value("num_labels").isPresent else {
                    throw LuaError.argument("\(options.function): 'num_labels' only applies to task \"classification\"")
                }
                switch other {
                case "base": task = .base
                case "causal_lm": task = .causalLM
                default: throw options.error("task", mustBe: "\"classification\", \"causal_lm\" or \"base\"")
                }
            }
            let seed = UInt64(bitPattern: Int64(try options.integer("seed") ?? 0))
            let opened = try ModelFiles.open(url)
            let model = try ModelLoader.load(opened, task: task, seed: seed)
            let files = Result { try ModelTextFiles.load(for: opened) }
            let tokenizer = files.map(\.tokenizer)
            let template = Result { try files.get().chatTemplate.map { try ChatTemplate(source: $0) } }
            return [.object(ModelObject(adapted: AdaptedModel(model), directory: url, tokenizer: tokenizer, chatTemplate: template))]
        }
        registerRunning(on: modelClass)
        ModelInspection.register(on: modelClass)
        AdapterBindings.register(on: modelClass)
        MergedExportBindings.register(on: modelClass)
        ParameterBindings.register(on: modelClass, in: module)
        GenerationBindings.register(on: modelClass)
    }

    /// The most classes a classification head may have (`num_labels`): far above any label set in use.
    static let maximumLabels = 1 << 20

    private static func registerRunning(on modelClass: LuaClass<ModelObject>) {
        modelClass.method("forward", doc: """
            model:forward{texts = {...} | input_ids = ..., attention_mask = ..., token_type_ids = ... | inputs = \
            batch.inputs, pairs = {...}, max_length = n, adapter_names = {...}, grad = false, head_only = false} -> table
            Runs the model on a batch in its current mode. In training mode (model:train) dropout is on, drawn \
            from the model's training generator, and the outputs are connected to the autodiff graph, so \
            `loss:backward()` fills the trainable parameters' gradients; in evaluation mode nothing is recorded \
            unless grad = true. `texts` (and `pairs`) are tokenized and padded to the longest; or give \
            `input_ids` (and optionally `attention_mask`, 1 = token, and `token_type_ids`) as [batch, seq] lists of \
            lists or tensors; or `inputs` of a batch from loraf.batches. `adapter_names` picks an adapter per \
            example: a name, or false or "" for the base model. Returns {last_hidden_state = Tensor [B, S, H] (0 at \
            padding positions: only real tokens are computed), pooler_output = Tensor [B, H], logits = Tensor \
            [B, labels]}; the fields a model lacks are nil. head_only = true says only the head's outputs are read, \
            as loraf.train does for classification: BERT's last block then finishes each row's first token only \
            (same logits, less work) and last_hidden_state is [B, 1, H].
            """) { object, args in
            let options = try args.options(2, keys: ModelInputs.textKeys + ModelInputs.tensorKeys + ["adapter_names", "inputs", "grad", "head_only"])
            var input = try ModelInputs.batch(options, model: object, adapterNames: try ModelInputs.adapterNames(options))
            input.headOnly = try options.boolean("head_only") ?? false
            let training = object.adapted.base.isTraining
            let context = training ? object.trainingContext : object.adapted.makeContext()
            let run = { try object.adapted.forward(input, context) }
            let recording = try training || (options.boolean("grad") ?? false)
            let output = try recording ? run() : GradMode.disabled(run)
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
            model:train([{seed = n}])
            Training mode: dropout on, and model:forward records the autodiff graph. With a seed, the dropout \
            generator starts afresh as loraf.train's does with that seed (so a Lua loop draws the same masks); \
            without one it continues where it was (seeded 42 at first, loraf.train's default).
            """) { object, args in
            if let seed = try args.options(2, keys: ["seed"]).integer("seed") {
                object.trainingContext.rng = Trainer.dropoutGenerator(seed: UInt64(bitPattern: Int64(seed)))
            }
            object.adapted.base.train()
            return []
        }
        modelClass.method("gradient_checkpointing", doc: """
            model:gradient_checkpointing([on]) -> boolean
            Gradient checkpointing per transformer block, as transformers' gradient_checkpointing_enable(): when on, \
            a forward pass that records gradients keeps only each block's input, and backward runs the block again \
            (with the same dropout masks) to back-propagate through it: the same gradients for less memory and \
            about one more forward pass of time. Off by default; no effect without gradients or while generating. \
            Returns whether it is on (after setting it, when `on` is given).
            Example:
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            print(model:gradient_checkpointing())
            --> false
            print(model:gradient_checkpointing(true))
            --> true
            """) { object, args in
            if let on = try args.optionalBoolean(2) { object.adapted.base.gradientCheckpointing = on }
            return [.boolean(object.adapted.base.gradientCheckpointing)]
        }
        modelClass.method("compute_dtype", doc: """
            model:compute_dtype([dtype]) -> string
            The format the model's frozen linear layers compute in: "fp32" (the default) or "bf16" (inputs and \
            frozen weights rounded to bfloat16, sums in fp32, AVX512_BF16 kernel; trainable layers, LoRA, biases, \
            norms and the head stay fp32; a 4-bit layer given fewer than 64 rows at once, such as decoding, computes \
            from its blocks in fp32; docs/kernels.md). Each frozen layer keeps bf16 copies of its weight (4 bytes \
            per weight) until the model is set back to "fp32". On a CPU without AVX512_BF16, "bf16" is stored as \
            "fp32" with one notice on stderr. loraf.train{compute_dtype = ...} sets it. Returns the format in use (after \
            setting it, when `dtype` is given).
            Example:
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            print(model:compute_dtype())
            --> fp32
            """) { object, args in
            if let name = try args.optionalString(2) {
                guard let dtype = ComputeDType(rawValue: name) else { throw args.error(2, "dtype must be \"fp32\" or \"bf16\", got \"\(name)\"") }
                object.adapted.computeDType = dtype.effective
            }
            return [.string(object.adapted.computeDType.rawValue)]
        }
    }

    /// "causal_lm" for a GGUF file or a config.json naming a ...ForCausalLM architecture, else "classification".
    static func defaultTask(for url: URL) -> String {
        if url.pathExtension.lowercased() == "gguf" { return "causal_lm" }
        guard let config = try? ConfigReader.json(contentsOf: url.appendingPathComponent("config.json")),
              case let .array(names)? = config.value("architectures") else { return "classification" }
        return names.contains { if case let .string(name) = $0 { return name.hasSuffix("ForCausalLM") }; return false } ? "causal_lm" : "classification"
    }
}
