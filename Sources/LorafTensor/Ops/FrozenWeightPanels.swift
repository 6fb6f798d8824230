import LorafKernels

/// Frozen weights' SGEMM operands, packed once and reused: a linear layer's forward multiplies by Wᵀ and its input
/// gradient by W, and `Kernels.sgemm` otherwise packs both again at every call (about 6 % of a LoRA training step on
/// MiniLM). Only weights that do not require a gradient are kept, up to `budgetBytes` in all (weights past it are
/// packed per call as before). An entry is packed again when its weight's storage was written since
/// (`TensorStorage.version`: `assign`, the optimisers, merging) or the kernels' ISA changed.
public final class FrozenWeightPanels {
    /// Bytes of packed operands this cache may hold (each weight costs two copies of itself in Float32).
    public let budgetBytes: Int
    /// Bytes of packed operands held now.
    public private(set) var heldBytes = 0
    private var entries: [ObjectIdentifier: Entry] = [:]

    private struct Entry {
        let weight: Tensor   // kept alive so that its identity is not reused
        let version: Int     // weight.storage.version when packed
        let transposed: Kernels.PackedRightOperand   // op(B) = Wᵀ: y = x · Wᵀ
        let plain: Kernels.PackedRightOperand        // op(B) = W:  dx = g · W
        var bytes: Int { transposed.byteCount + plain.byteCount }
    }

    /// An empty cache that may hold up to `budgetBytes` bytes of packed operands (default 256 MiB).
    public init(budgetBytes: Int = 256 << 20) {
        self.budgetBytes = budgetBytes
    }

    /// The packed Wᵀ and W of `weight` ([out, in], dense row-major, frozen), packing them on first use and after a
    /// write to the weight; nil when the weight requires a gradient, is not dense or does not fit in the budget.
    func operands(for weight: Tensor) -> (transposed: Kernels.PackedRightOperand, plain: Kernels.PackedRightOperand)? {
        guard !weight.requiresGrad, weight.rank == 2, weight.isContiguous else { return nil }
        let key = ObjectIdentifier(weight)
        if let entry = entries[key] {
            if entry.version == weight.storage.version, entry.transposed.isCurrent { return (entry.transposed, entry.plain) }
            heldBytes -= entry.bytes
            entries[key] = nil
        }
        let (out, inFeatures) = (weight.shape[0], weight.shape[1])
        guard out > 0, inFeatures > 0, heldBytes + 2 * out * inFeatures * MemoryLayout<Float>.stride <= budgetBytes else { return nil }
        let w = UnsafePointer(weight.data)
        let entry = Entry(weight: weight, version: weight.storage.version,
                          transposed: Kernels.PackedRightOperand(transB: true, k: inFeatures, n: out, b: w, ldb: inFeatures),
                          plain: Kernels.PackedRightOperand(transB: false, k: out, n: inFeatures, b: w, ldb: inFeatures))
        entries[key] = entry
        heldBytes += entry.bytes
        return (entry.transposed, entry.plain)
    }

    /// Drops every packed operand.
    public func removeAll() {
        entries.removeAll()
        heldBytes = 0
    }
}
