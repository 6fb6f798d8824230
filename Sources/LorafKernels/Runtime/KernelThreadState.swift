#if canImport(Glibc)
import Glibc
#endif

/// Per-thread state of the kernels: the reusable SGEMM pack buffers, the dequantized panel and the int8 activations
/// of the quantized kernels, the bf16 activations of the bf16 GEMM,
/// the attention kernels' scratch, and whether the thread is already running inside a `Parallel.forEach` (nested
/// calls then run serially).
final class KernelThreadState {
    /// Packed A block (mc×kc), owned by the thread that runs the tile loop.
    let packedA = AlignedBuffer()
    /// Packed B (k×nc) shared by all chunks of one SGEMM call, owned by the calling thread.
    let packedB = AlignedBuffer()
    /// Rows of a quantized matrix dequantized for the SGEMM path of the quantized kernels, owned by the calling thread.
    let dequantized = AlignedBuffer()
    /// Rows of x quantized to int8 blocks for the int8-activation kernels, owned by the calling thread.
    let int8Activations = AlignedBuffer()
    /// Rows of A rounded to bfloat16 pairs for the bf16 GEMM, owned by the calling thread.
    let bf16Activations = AlignedBuffer()
    /// Per-unit score-sized scratch of the packed attention kernels (dropped probabilities, their gradient).
    let attentionScratch = AlignedBuffer()
    var insideParallelRegion = false

    /// The calling thread's state, created on first use and freed when the thread exits.
    static var current: KernelThreadState {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<KernelThreadState>.fromOpaque(raw).takeUnretainedValue()
        }
        let state = KernelThreadState()
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
        return state
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<KernelThreadState>.fromOpaque(raw).release()
        }
        if status != 0 { fatalError("loraf: pthread_key_create failed (\(status)): out of thread-local keys") }
        return key
    }()
}

/// A growable 64-byte-aligned Float buffer; grows on demand and keeps its capacity.
final class AlignedBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>?
    private var capacity = 0

    /// A buffer of at least `count` floats (contents unspecified).
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let pointer, capacity >= count { return pointer }
        pointer?.deallocate()
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * MemoryLayout<Float>.stride, alignment: 64)
        let typed = raw.bindMemory(to: Float.self, capacity: max(count, 16))
        pointer = typed
        capacity = max(count, 16)
        return typed
    }

    deinit { pointer?.deallocate() }
}
