import LorafKernels

/// Frozen weights' SGEMM operands, packed once and reused: a linear layer's forward multiplies by Wᵀ and its input
/// gradient by W, and `Kernels.sgemm` otherwise packs both again at every call (about 6 % of a LoRA training step on
/// MiniLM). Only weights that do not require a gradient are kept, up to `budgetBytes` in all (weights past it are
/// packed per call as before).
///
/// The owner promises that the weights it hands in do not change while the cache lives (a trainer between
/// optimiser steps: the optimiser writes only trainable tensors), and calls `removeAll()` after anything that may
/// have written a frozen weight (a user callback that merges an adapter).
public final class FrozenWeightPanels {
    /// Bytes of packed operands this cache may hold (each weight costs two copies of itself in Float32).
    public let budgetBytes: Int
    public private(set) var heldBytes = 0
    private var entries: [ObjectIdentifier: Entry] = [:]

    private struct Entry {
        let weight: Tensor   // kept alive so that its identity is not reused
        let times: Kernels.PackedRightOperand      // op(B) = Wᵀ: y = x · Wᵀ
        let plain: Kernels.PackedRightOperand      // op(B) = W:  dx = g · W
    }

    public init(budgetBytes: Int = 256 << 20) {
        self.budgetBytes = budgetBytes
    }

    /// The packed Wᵀ and W of `weight` ([out, in], dense row-major, frozen), packing them on first use; nil when
    /// the weight requires a gradient or does not fit in the budget.
    func operands(for weight: Tensor) -> (transposed: Kernels.PackedRightOperand, plain: Kernels.PackedRightOperand)? {
        guard !weight.requiresGrad, weight.rank == 2, weight.isContiguous else { return nil }
        if let entry = entries[ObjectIdentifier(weight)], entry.times.isCurrent {
            return (entry.times, entry.plain)
        }
        let (out, inFeatures) = (weight.shape[0], weight.shape[1])
        let bytes = 2 * out * inFeatures * MemoryLayout<Float>.stride
        guard out > 0, inFeatures > 0, heldBytes + bytes <= budgetBytes else { return nil }
        let w = UnsafePointer(weight.data)
        let entry = Entry(weight: weight,
                          times: Kernels.PackedRightOperand(transB: true, k: inFeatures, n: out, b: w, ldb: inFeatures),
                          plain: Kernels.PackedRightOperand(transB: false, k: out, n: inFeatures, b: w, ldb: inFeatures))
        if let stale = entries.updateValue(entry, forKey: ObjectIdentifier(weight)) {
            heldBytes -= stale.times.byteCount + stale.plain.byteCount
        }
        heldBytes += entry.times.byteCount + entry.plain.byteCount
        return (entry.times, entry.plain)
    }

    /// Drops every packed operand.
    public func removeAll() {
        entries.removeAll()
        heldBytes = 0
    }
}
