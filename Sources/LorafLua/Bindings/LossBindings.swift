import LorafTensor

/// `loraf.losses.cross_entropy` and `loraf.losses.causal_lm`: LorafTensor's cross-entropy (the op loraf.train uses,
/// with its recorded gradient) for logits from Lua.
enum LossBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let losses = module.state.module("\(module.name).losses", doc: """
            Differentiable losses: scalar tensors that loss:backward() starts from.
            """)
        losses.function("cross_entropy", doc: """
            loraf.losses.cross_entropy(logits, targets [, {ignore_index = -100}]) -> Tensor
            Mean cross-entropy of `logits` [N, C] (or [B, S, C]) against `targets`, class ids counted from 0 as \
            in the data files, [N] (or [B, S]): a list, nested lists or a tensor of integers. Targets equal to \
            ignore_index are left out of the mean (0 when every target is ignored). loraf.train's loss.
            Example:
            local logits = loraf.tensor{{2, 0}, {0, 2}, {1, 1}}
            local loss = loraf.losses.cross_entropy(logits, {0, 1, -100})
            print(string.format("%.4f", loss:item()))
            --> 0.1269
            """) { args in
            let logits = try args.tensor(1)
            let targets = try args.converting(2, TensorConversion.intTensor(from:))
            let ignore = try args.options(3, keys: ["ignore_index"]).integer("ignore_index") ?? -100
            guard logits.rank >= 2, targets.shape == Array(logits.shape.dropLast()) else {
                throw args.error(2, "targets of shape \(targets.shape) do not match logits of shape \(logits.shape) (expected \(Array(logits.shape.dropLast())))")
            }
            let classes = logits.shape[logits.rank - 1]
            let rows = try logits.reshaped([logits.count / max(classes, 1), classes])
            let flat = try IntTensor(shape: [targets.count], scalars: targets.scalars)
            return [args.result(try rows.crossEntropy(targets: flat, ignoreIndex: ignore))]
        }
        losses.function("causal_lm", doc: """
            loraf.losses.causal_lm(logits, labels [, {ignore_index = -100}]) -> Tensor
            The causal language-modelling loss, as transformers' ForCausalLMLoss: the logits [B, S, V] at position \
            t predict labels[t + 1] ([B, S] token ids; padding set to ignore_index is left out), and the mean \
            cross-entropy over the predicted positions is returned.
            """) { args in
            let logits = try args.tensor(1)
            let labels = try args.converting(2, TensorConversion.intTensor(from:))
            let ignore = try args.options(3, keys: ["ignore_index"]).integer("ignore_index") ?? -100
            guard logits.rank == 3, labels.shape == [logits.shape[0], logits.shape[1]], logits.shape[1] >= 2 else {
                throw args.error(2, "expected logits [B, S, V] with S >= 2 and labels [B, S], got \(logits.shape) and \(labels.shape)")
            }
            let (batch, sequence, vocabulary) = (logits.shape[0], logits.shape[1], logits.shape[2])
            let predicting = try logits.slice(axis: 1, 0 ..< sequence - 1).reshaped([batch * (sequence - 1), vocabulary])
            let ids = labels.scalars
            let shifted = (0 ..< batch).flatMap { b in (1 ..< sequence).map { ids[b * sequence + $0] } }
            let targets = try IntTensor(shape: [shifted.count], scalars: shifted)
            return [args.result(try predicting.crossEntropy(targets: targets, ignoreIndex: ignore))]
        }
    }
}
