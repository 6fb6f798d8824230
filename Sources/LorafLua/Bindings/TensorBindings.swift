import LorafTensor

/// `loraf.tensor`, `loraf.zeros`, `loraf.randn`, `loraf.concat` and the `Tensor` class.
enum TensorBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let tensorClass = module.defineClass(Tensor.self, name: "Tensor", doc: """
            A Float32 tensor. Indexing is 1-based like Lua tables: `t[i]` is row i (a tensor of rank - 1) or, at \
            rank 1, a number. Values come back to Lua as integers when they are integral, else as floats. Arithmetic `+ - * /` and unary minus take tensors and numbers and broadcast; `#t` is \
            the first extent. Axes are 1-based; negative axes count from \
            the end (-1 is the last). `tostring(t)` (and the REPL) shows every value of a small tensor and a summary \
            (first and last values, min, max, mean) of a larger one, and whether it needs a gradient. Every \
            operation is differentiable: see t:requires_grad and t:backward. Lua's collector is told about each new tensor's memory, so loops that make \
            large tensors stay bounded.
            Example:
            print(loraf.tensor{{1, 2}, {3, 4}})
            print(loraf.randn({4, 100}, {seed = 1}))
            --> Tensor [2, 2] [[1, 2], [3, 4]]
            --> Tensor [4, 100] float32  values -0.832741, -0.817321, 0.526585, ..., 0.9017, 1.17912, -1.19645  min -2.89517  max 3.28119  mean 0.00339823
            """)
        registerConstructors(in: module)
        TensorMethods.register(on: tensorClass)
        TensorOperators.register(on: tensorClass)
        AutogradMethods.register(on: tensorClass)
        InPlaceMethods.register(on: tensorClass)
        AutogradMethods.registerFunctions(in: module)
        try tensorClass.numericIndex { tensor, args in
            guard let index = args.value(2).integerValue else {
                throw args.error(2, "integer index expected, got \(args.value(2).errorDescription)")
            }
            guard tensor.rank >= 1 else { throw args.error(2, "a scalar tensor (shape []) cannot be indexed") }
            guard index >= 1 && index <= tensor.shape[0] else {
                throw args.error(2, "index \(index) is out of range 1...\(tensor.shape[0]) (first extent \(tensor.shape[0]))")
            }
            let row = try tensor.slice(axis: 0, (index - 1) ..< index).reshaped(Array(tensor.shape.dropFirst()))
            return [tensor.rank == 1 ? TensorConversion.number(try row.item()) : args.result(row)]
        }
    }

    private static func registerConstructors(in module: LuaModuleBuilder) {
        module.function("tensor", doc: """
            loraf.tensor(values) -> Tensor
            A tensor from a number (shape []) or nested lists of numbers: `loraf.tensor{{1,2},{3,4}}` has shape \
            {2, 2}. Errors for a ragged table, naming the first element whose length differs, and for a \
            non-number entry, naming its position.
            """) { args in
            [args.result(try args.converting(1, TensorConversion.tensor(from:)))]
        }
        module.function("zeros", doc: """
            loraf.zeros(shape) -> Tensor
            A tensor of zeros; `shape` is a list of non-negative integers, e.g. `loraf.zeros{2, 3}`.
            """) { args in
            [args.result(Tensor(zeros: try args.converting(1) { try TensorConversion.shape(from: $0) }))]
        }
        module.function("randn", doc: """
            loraf.randn(shape [, {seed = 0}]) -> Tensor
            A tensor of standard normal samples (mean 0, standard deviation 1, Box-Muller) from loraf's \
            generator seeded with `seed` (an integer, default 0), so the same seed gives the same values.
            """) { args in
            let shape = try args.converting(1) { try TensorConversion.shape(from: $0) }
            let options = try args.options(2, keys: ["seed"])
            let seed = try options.integer("seed") ?? 0
            var generator = RandomGenerator(seed: UInt64(bitPattern: Int64(seed)))
            let scalars = (0 ..< shape.reduce(1, *)).map { _ in generator.nextNormal() }
            return [args.result(try Tensor(shape: shape, scalars: scalars))]
        }
        module.function("rand", doc: """
            loraf.rand(shape [, {seed = 0, low = 0, high = 1}]) -> Tensor
            A tensor of uniform samples in [low, high) from loraf's generator seeded with `seed`, so the same seed \
            gives the same values; `loraf.rand({out, in}, {low = -b, high = b})` is torch.nn.Linear's initialisation \
            with b = 1 / sqrt(in).
            """) { args in
            let shape = try args.converting(1) { try TensorConversion.shape(from: $0) }
            let options = try args.options(2, keys: ["seed", "low", "high"])
            let (low, high) = (Float(try options.number("low") ?? 0), Float(try options.number("high") ?? 1))
            guard low < high else { throw options.error("high", mustBe: "greater than low (\(low))") }
            var generator = RandomGenerator(seed: UInt64(bitPattern: Int64(try options.integer("seed") ?? 0)))
            let scalars = (0 ..< shape.reduce(1, *)).map { _ in low + (high - low) * generator.nextUniform() }
            return [args.result(try Tensor(shape: shape, scalars: scalars))]
        }
        module.function("concat", doc: """
            loraf.concat(tensors [, {axis = 1}]) -> Tensor
            Joins a list of tensors along `axis` (1-based, negative from the end); the other extents must agree.
            """) { args in
            guard case .list(let items) = args.value(1), !items.isEmpty else {
                throw args.error(1, "non-empty list of tensors expected, got \(args.value(1).errorDescription)")
            }
            let tensors = try items.enumerated().map { index, item -> Tensor in
                guard let tensor = item.object(as: Tensor.self) else {
                    throw args.error(1, "entry [\(index + 1)] is \(item.errorDescription), expected a Tensor")
                }
                return tensor
            }
            let options = try args.options(2, keys: ["axis"])
            let axis = try zeroBasedAxis(try options.integer("axis") ?? 1, rank: tensors[0].rank) {
                options.error("axis", mustBe: "an axis of the tensors (\($0))")
            }
            return [args.result(try Tensor.concat(tensors, axis: axis))]
        }
    }
}
