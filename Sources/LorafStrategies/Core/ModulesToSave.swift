import LorafModels
import LorafTensor

/// A module trained in full by some adapters (PEFT's modules_to_save, e.g. the classification head): children
/// `original_module` (the base model's, frozen) and `modules_to_save.<adapter>` (a trainable copy per adapter).
/// The forward pass uses the copy of the adapter in use, or the original when none applies; in a mixed batch each
/// row uses its own example's choice.
public final class ModulesToSaveWrapper: UnaryModule {
    public override var kind: String { "ModulesToSaveWrapper" }

    init(original: UnaryModule) {
        super.init()
        register(child: "original_module", original)
        register(child: "modules_to_save", Module())
    }

    var copies: Module { childIfPresent("modules_to_save")! } // registered in init, never removed
    /// The wrapped base module.
    public var original: UnaryModule { childIfPresent("original_module") as! UnaryModule } // set in init

    /// Adds a trainable copy of the original for `adapter`.
    func addCopy(for adapter: String) throws {
        guard let copy = try original.copy() as? UnaryModule else { throw StrategyError.invalidState("\(original.kind) cannot be copied") }
        copies.register(child: adapter, copy)
    }

    /// Adapter names that have a copy here.
    var adapterNames: [String] { copies.childNames }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        if context.rowAdapters == nil {
            let chosen = context.activeAdapters.last { copies.childIfPresent($0) != nil }
            return try (chosen.map { try copies.child($0) } ?? original).forward(x, context)
        }
        var result = try original.forward(x, context)
        if let keepBase = try context.rowMask(for: nil, like: x) {
            result = try result * keepBase
        } else {
            return result
        }
        for name in context.adaptersInUse {
            let module = copies.childIfPresent(name) != nil ? try copies.child(name) : original
            // No mask: every row of the batch uses this adapter (so the base rows' mask above was all zero).
            guard let mask = try context.rowMask(for: name, like: x) else { return try module.forward(x, context) }
            result = try result + module.forward(x, context) * mask
        }
        return result
    }
}
