/// The memory behind one or more tensors: `count` Float32 values.
///
/// Storage either owns a buffer it allocated (freed in `deinit`) or borrows memory kept alive by `owner`
/// (for example a memory-mapped safetensors file), so checkpoints can be used without a copy.
/// Several tensors (views made by `reshape`, `transposed`, `slice`) may share one storage.
public final class TensorStorage {
    /// First element. Valid for `count` elements while this object lives.
    public let base: UnsafeMutablePointer<Float>
    /// Number of Float32 elements.
    public let count: Int
    private let ownsMemory: Bool
    private let owner: AnyObject?

    /// Allocates `count` elements, zero-filled when `zeroed` (the default).
    public init(count: Int, zeroed: Bool = true) {
        self.count = count
        base = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        if zeroed { base.initialize(repeating: 0, count: Swift.max(count, 1)) }
        ownsMemory = true
        owner = nil
    }

    /// Wraps memory that `owner` keeps alive (no copy). The caller promises `pointer` holds `count` Float32 values
    /// that stay valid, and are not written through other aliases while a tensor uses them.
    public init(borrowing pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        base = pointer
        self.count = count
        ownsMemory = false
        self.owner = owner
    }

    deinit {
        if ownsMemory { base.deallocate() }
    }
}
