/// An indexed container: children named "0", "1", ... (as torch.nn.ModuleList, so paths read `layer.3.`).
/// A model's stack of transformer blocks is one; ``forwardBlocks(_:_:checkpointable:_:)`` runs it, with
/// gradient checkpointing per block when ``checkpointsBlocks`` is on.
public final class ModuleList: Module {
    /// Whether ``forwardBlocks(_:_:checkpointable:_:)`` checkpoints each block (set for a whole model with
    /// ``Module/gradientCheckpointing``).
    public var checkpointsBlocks = false

    public init(_ modules: [Module]) {
        super.init()
        for (i, m) in modules.enumerated() { register(child: String(i), m) }
    }

    /// The children in index order.
    public var items: [Module] { childNames.compactMap { childIfPresent($0) } }
}
