#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

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
    /// Bumped by every write through the tensor API (`Tensor.assign`, the optimisers, merging into a weight):
    /// what a cache of values derived from this memory (packed GEMM operands) compares to know it is current.
    /// Code that writes `base` directly calls ``noteWritten()``.
    public private(set) var version = 0

    /// Records a write to this memory (see ``version``).
    public func noteWritten() { version &+= 1 }

    /// Allocates `count` elements, zero-filled when `zeroed` (the default). Zeroed memory comes from `calloc`, which
    /// hands out fresh pages without writing them: a model built with zero weights that a checkpoint then replaces
    /// (quantized layers) never makes those pages resident.
    public init(count: Int, zeroed: Bool = true) {
        self.count = count
        let bytes = Swift.max(count, 1) * MemoryLayout<Float>.stride
        let raw = zeroed ? calloc(Swift.max(count, 1), MemoryLayout<Float>.stride) : malloc(bytes)
        guard let raw else { fatalError("TensorStorage: out of memory allocating \(bytes) bytes") }
        base = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
        ownsMemory = true
        owner = nil
        MemoryCounter.tensors.allocated(bytes)
    }

    /// Wraps memory that `owner` keeps alive (no copy). The caller promises `pointer` holds `count` Float32 values
    /// that stay valid, and are not written through other aliases while a tensor uses them.
    public init(borrowing pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        base = pointer
        self.count = count
        ownsMemory = false
        self.owner = owner
    }

    /// Tunes glibc's malloc for training; the first recorded gradient node calls it (``Tensor/record``), so only a
    /// process that trains pays for it. Idempotent.
    ///
    /// glibc's malloc maps blocks over 128 KiB–32 MiB (its dynamic threshold) straight from the kernel and unmaps
    /// them on free, so every step of training faulted in and zeroed fresh pages for each activation. Raising
    /// the mmap threshold to its 32 MiB maximum and the trim threshold to 1 GiB keeps freed activation buffers
    /// in the heap for the next step. Not before: with the raised threshold a model's zero-filled weights (Float32
    /// layers that a quantized checkpoint then replaces) come from the heap instead of fresh mappings, and `calloc`
    /// clears part of the heap as it grows: building SmolLM2-135M made about 28 MiB resident that inference never
    /// reads.
    /// `mallopt` is looked up with dlsym (Swift's Glibc module does not export malloc.h); the option numbers are
    /// glibc's M_TRIM_THRESHOLD (−1) and M_MMAP_THRESHOLD (−3). Without glibc nothing changes.
    static func tuneAllocatorForTraining() { _ = allocatorTuned }

    /// Whether ``tuneAllocatorForTraining()`` has run in this process (true even where there is no glibc to tune).
    public static var isAllocatorTunedForTraining: Bool { tuned.isSet }

    private static let tuned = SetOnceFlag()
    private static let allocatorTuned: Void = {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        if let symbol = dlsym(nil, "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            _ = mallopt(-3, 32 << 20)
            _ = mallopt(-1, 1 << 30)
        }
        #endif
        tuned.set()
    }()

    deinit {
        guard ownsMemory else { return }
        free(base)
        MemoryCounter.tensors.freed(Swift.max(count, 1) * MemoryLayout<Float>.stride)
    }

    /// Bytes of tensor memory allocated and not yet freed (parameters, activations, gradients, optimizer state;
    /// not memory-mapped or borrowed weights), now and at its peak since the last ``resetPeakLiveBytes()``.
    public static var liveBytes: Int { MemoryCounter.tensors.live.load(ordering: .relaxed) }
    public static var peakLiveBytes: Int { MemoryCounter.tensors.peak.load(ordering: .relaxed) }

    /// Starts a new peak (``peakLiveBytes``) from the bytes live now.
    public static func resetPeakLiveBytes() { MemoryCounter.tensors.resetPeak() }
}

/// Live and peak byte counts of owned tensor memory (relaxed atomics: one add per allocation and free).
private final class MemoryCounter: Sendable {
    static let tensors = MemoryCounter()
    let live = Atomic<Int>(0)
    let peak = Atomic<Int>(0)

    func allocated(_ bytes: Int) {
        let now = live.wrappingAdd(bytes, ordering: .relaxed).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    func freed(_ bytes: Int) { live.wrappingSubtract(bytes, ordering: .relaxed) }

    func resetPeak() { peak.store(live.load(ordering: .relaxed), ordering: .relaxed) }
}

/// A flag that goes from false to true once, readable from any thread.
private final class SetOnceFlag: @unchecked Sendable {
    // Sendable: `value` is only read and written under `lock`.
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
