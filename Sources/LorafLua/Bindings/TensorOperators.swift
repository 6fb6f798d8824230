import LorafTensor

/// The arithmetic metamethods of `Tensor`: `a + b`, `a - b`, `a * b`, `a / b` (tensors or numbers, broadcasting,
/// element-wise) and `-a`, and `#t`.
enum TensorOperators {
    private static let binary: [(event: String, apply: (Tensor, Tensor) throws -> Tensor)] = [
        ("__add", { try $0 + $1 }),
        ("__sub", { try $0 - $1 }),
        ("__mul", { try $0 * $1 }),
        ("__div", { try $0 / $1 }),
    ]

    static func register(on tensorClass: LuaClass<Tensor>) {
        for operation in binary {
            tensorClass.metamethod(operation.event) { args in
                [args.result(try operation.apply(try args.operand(1), try args.operand(2)))]
            }
        }
        tensorClass.metamethod("__unm") { args in [args.result(-(try args.tensor(1)))] }
        tensorClass.metamethod("__len") { args in
            let tensor = try args.tensor(1)
            guard let extent = tensor.shape.first else { throw args.error(1, "a scalar tensor (shape []) has no length") }
            return [.integer(extent)]
        }
    }
}
