import LorafTensor

/// The methods of `Tensor` (`t:shape()`, `t:matmul(b)`, `t:sum(axis)`...).
enum TensorMethods {
    /// Element-wise functions without arguments: Lua name, LorafTensor function, what it computes.
    private static let elementwise: [(name: String, apply: (Tensor) -> Tensor, meaning: String)] = [
        ("exp", { $0.exp() }, "e^x"),
        ("log", { $0.log() }, "the natural logarithm"),
        ("sqrt", { $0.sqrt() }, "the square root"),
        ("tanh", { $0.tanh() }, "the hyperbolic tangent"),
        ("relu", { $0.relu() }, "max(x, 0)"),
        ("sigmoid", { $0.sigmoid() }, "1 / (1 + e^-x)"),
        ("silu", { $0.silu() }, "x * sigmoid(x)"),
        ("gelu", { $0.gelu() }, "GELU with the exact erf form, x * Phi(x)"),
        ("gelu_tanh", { $0.geluTanh() }, "GELU with the tanh approximation (Hendrycks and Gimpel 2016)"),
    ]

    static func register(on tensorClass: LuaClass<Tensor>) {
        registerInspection(on: tensorClass)
        registerAlgebra(on: tensorClass)
        registerReductions(on: tensorClass)
        registerLayout(on: tensorClass)
        for function in elementwise {
            tensorClass.method(function.name, doc: """
                t:\(function.name)() -> Tensor
                Element-wise \(function.meaning).
                """) { tensor, args in [args.result(function.apply(tensor))] }
        }
    }

    private static func registerInspection(on tensorClass: LuaClass<Tensor>) {
        tensorClass.tostring { $0.summary() }
        tensorClass.method("shape", doc: """
            t:shape() -> {integer}
            The extents as a list, outermost first: `loraf.zeros{2, 3}:shape()` is {2, 3}; {} for a scalar.
            """) { tensor, _ in [.list(tensor.shape.map(LuaValue.integer))] }
        tensorClass.method("totable", doc: """
            t:totable() -> table
            The values as nested lists with the tensor's shape (a number for a scalar).
            """) { tensor, _ in [TensorConversion.table(of: tensor)] }
        tensorClass.method("item", doc: """
            t:item() -> number
            The value of a one-element tensor; errors for any other size.
            """) { tensor, _ in [TensorConversion.number(try tensor.item())] }
    }

    private static func registerAlgebra(on tensorClass: LuaClass<Tensor>) {
        tensorClass.method("matmul", doc: """
            a:matmul(b) -> Tensor
            Matrix product over the last two axes ([..., m, k] x [..., k, n] -> [..., m, n]), batch axes broadcast.
            """) { tensor, args in [args.result(try tensor.matmul(try args.tensor(2)))] }
        tensorClass.method("T", doc: """
            t:T() -> Tensor
            The transpose of the last two axes (a view).
            """) { tensor, args in [args.result(try tensor.transposed())] }
        tensorClass.method("softmax", doc: """
            t:softmax() -> Tensor
            Softmax over the last axis: e^x / sum(e^x), computed after subtracting the row maximum.
            """) { tensor, args in [args.result(try tensor.softmax())] }
        tensorClass.method("log_softmax", doc: """
            t:log_softmax() -> Tensor
            log(softmax(x)) over the last axis, computed as x - max - log(sum(e^(x - max))).
            """) { tensor, args in [args.result(try tensor.logSoftmax())] }
        tensorClass.method("layer_norm", doc: """
            t:layer_norm(gamma, beta [, {eps = 1e-12}]) -> Tensor
            Layer normalisation over the last axis (Ba et al. 2016): (x - mean) / sqrt(var + eps) * gamma + beta, \
            with gamma and beta tensors of the last extent.
            """) { tensor, args in
            let options = try args.options(4, keys: ["eps"])
            let eps = Float(try options.number("eps") ?? 1e-12)
            return [args.result(try tensor.layerNorm(gamma: try args.tensor(2), beta: try args.tensor(3), eps: eps))]
        }
        tensorClass.method("cross_entropy", doc: """
            logits:cross_entropy(targets) -> Tensor
            Mean cross-entropy of logits [N, C] against `targets`, a list of N class ids counted from 0 as in \
            the data files; a scalar tensor.
            """) { tensor, args in
            let targets = try args.converting(2, TensorConversion.intTensor(from:))
            return [args.result(try tensor.crossEntropy(targets: targets))]
        }
    }

    private static func registerReductions(on tensorClass: LuaClass<Tensor>) {
        tensorClass.method("sum", doc: """
            t:sum([axis]) -> Tensor
            The sum over `axis` (1-based, negative from the end), which is removed; over every element without one.
            """) { tensor, args in
            let axis = try args.optionalAxis(2, rank: tensor.rank)
            return [args.result(try tensor.sum(axes: axis.map { [$0] }))]
        }
        tensorClass.method("mean", doc: """
            t:mean([axis]) -> Tensor
            The mean over `axis` (1-based, negative from the end), which is removed; over every element without one.
            """) { tensor, args in
            let axis = try args.optionalAxis(2, rank: tensor.rank)
            return [args.result(try tensor.mean(axes: axis.map { [$0] }))]
        }
        tensorClass.method("max", doc: """
            t:max([axis]) -> Tensor
            The maximum over `axis` (1-based, negative from the end), which is removed; over every element without one.
            """) { tensor, args in
            guard let axis = try args.optionalAxis(2, rank: tensor.rank) else {
                return [args.result(try tensor.reshaped([tensor.count]).max(axis: 0))]
            }
            return [args.result(try tensor.max(axis: axis))]
        }
        tensorClass.method("argmax", doc: """
            t:argmax([axis]) -> table
            The positions of the maxima along `axis` (default -1, the last), 1-based like Lua indices, as nested \
            lists with that axis removed (a number at rank 1).
            """) { tensor, args in
            let axis = try args.optionalAxis(2, rank: tensor.rank) ?? (tensor.rank - 1)
            let positions = try tensor.argmax(axis: axis)
            return [TensorConversion.table(of: try Tensor(shape: positions.shape, scalars: positions.scalars.map { Float($0 + 1) }))]
        }
    }

    private static func registerLayout(on tensorClass: LuaClass<Tensor>) {
        tensorClass.method("reshape", doc: """
            t:reshape(shape) -> Tensor
            The same elements with another shape, e.g. `t:reshape{3, -1}`; one extent may be -1 (inferred).
            """) { tensor, args in
            let shape = try args.converting(2) { try TensorConversion.shape(from: $0, allowInferred: true) }
            return [args.result(try tensor.reshaped(shape))]
        }
        tensorClass.method("permute", doc: """
            t:permute(order) -> Tensor
            The axes reordered: `order` lists every 1-based axis once, e.g. `t:permute{2, 1, 3}`.
            """) { tensor, args in
            let order = try args.converting(2) { try TensorConversion.shape(from: $0) }
            let zeroBased = try order.map { try zeroBasedAxis($0, rank: tensor.rank) { args.error(2, $0) } }
            return [args.result(try tensor.permuted(zeroBased))]
        }
        tensorClass.method("slice", doc: """
            t:slice(first, last [, {axis = 1}]) -> Tensor
            Elements first..last (1-based, inclusive, like string.sub) along `axis`; a view.
            """) { tensor, args in
            let (first, last) = (try args.integer(2), try args.integer(3))
            let options = try args.options(4, keys: ["axis"])
            let axis = try zeroBasedAxis(try options.integer("axis") ?? 1, rank: tensor.rank) {
                options.error("axis", mustBe: "an axis of the tensor (\($0))")
            }
            guard first >= 1, last >= first - 1, last <= tensor.shape[axis] else {
                throw args.error(2, "range \(first)..\(last) is outside 1..\(tensor.shape[axis]) (extent of axis \(axis + 1))")
            }
            return [args.result(try tensor.slice(axis: axis, (first - 1) ..< last))]
        }
        tensorClass.method("split", doc: """
            t:split(sizes [, {axis = 1}]) -> {Tensor}
            Cuts the tensor along `axis` into pieces of the given extents, which must add up to that axis's extent.
            """) { tensor, args in
            let sizes = try args.converting(2) { try TensorConversion.shape(from: $0) }
            let options = try args.options(3, keys: ["axis"])
            let axis = try zeroBasedAxis(try options.integer("axis") ?? 1, rank: tensor.rank) {
                options.error("axis", mustBe: "an axis of the tensor (\($0))")
            }
            return [.list(try tensor.split(sizes, axis: axis).map(args.result))]
        }
    }
}
