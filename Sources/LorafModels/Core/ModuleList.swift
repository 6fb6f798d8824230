/// An indexed container: children named "0", "1", ... (as torch.nn.ModuleList, so paths read `layer.3.`).
public final class ModuleList: Module {
    public init(_ modules: [Module]) {
        super.init()
        for (i, m) in modules.enumerated() { register(child: String(i), m) }
    }

    /// The children in index order.
    public var items: [Module] { childNames.compactMap { childIfPresent($0) } }
}
