import CKernelSupport
import Foundation
import Synchronization

/// The kernels' worker threads: a persistent pool, so no thread is created per call.
public enum Parallel {
    /// Threads the kernels use, the caller included. Default: `LORAF_THREADS` when set to a positive
    /// integer, else the number of active cores. Values below 1 are stored as 1. Changing it while a
    /// `forEach` runs takes effect from the next call.
    public static var threadCount: Int {
        get { ThreadPool.shared.threadCount }
        set { ThreadPool.shared.threadCount = max(1, newValue) }
    }

    /// Runs `body(i)` once for every i in 0..<chunks, spread over `threadCount` threads (the caller takes
    /// chunks too), and returns when all have finished. Chunks are handed out in increasing order to
    /// whichever thread is free. Runs serially when `chunks` ≤ 1, `threadCount` == 1, when called from
    /// inside another `forEach` (nesting), or while another thread holds the pool.
    public static func forEach(chunks: Int, body: (Int) -> Void) {
        ThreadPool.shared.run(chunks: chunks, body: body)
    }
}

/// Mutex/condition-variable pool behind `Parallel`. Both hand-offs spin briefly before they sleep: a worker that
/// took part in the last job polls for the next one, and the caller polls for the job's end, `spinIterations` times
/// each with a pause in between. Decoding one token runs a few hundred small parallel
/// products back to back; waking a sleeping thread costs about as much as one of them on a VM (a futex wake and an
/// inter-processor interrupt), so without the spin the second thread made decoding slower (docs/performance.md,
/// "Generation"). Nobody spins while the pool has more threads than the machine has cores (several MPI ranks on
/// one machine, say), where a spinning thread would hold the core another needs.
final class ThreadPool: @unchecked Sendable {
    /// Polls an idle thread makes, a pause apart, before it sleeps on a condition variable.
    static let spinIterations = 2_000
    /// Cores the process may run on.
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static let shared = ThreadPool(threadCount: ThreadPool.initialThreadCount())

    private let lock = NSCondition()       // guards everything below; signalled when work arrives
    private let done = NSCondition()       // signalled when the last chunk of a job finishes
    private var requestedThreads: Int
    private var workers = 0
    private var busy = false
    private var generation = 0
    private var job: ((Int) -> Void)?
    private var helpersWanted = 0
    private var nextChunk = 0
    private var chunkCount = 0
    private var finishedChunks = 0
    private var helpersHoldingJob = 0      // workers that hold a reference to `job`
    // Mirrors of `generation` and of "the job is over" (every chunk finished, no helper holds it), written under
    // `lock`, polled without it while spinning.
    private let publishedGeneration = Atomic<Int>(0)
    private let jobOver = Atomic<Bool>(true)

    private init(threadCount: Int) { requestedThreads = threadCount }

    var threadCount: Int {
        get { lock.lock(); defer { lock.unlock() }; return requestedThreads }
        set { lock.lock(); requestedThreads = newValue; lock.unlock() }
    }

    private static func initialThreadCount() -> Int {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let text = ProcessInfo.processInfo.environment["LORAF_THREADS"] else { return cores }
        guard let value = Int(text), value >= 1 else {
            FileHandle.standardError.write(Data("loraf: ignoring LORAF_THREADS=\(text): expected a positive integer\n".utf8))
            return cores
        }
        return value
    }

    func run(chunks: Int, body: (Int) -> Void) {
        let state = KernelThreadState.current
        lock.lock()
        let helpers = min(requestedThreads, chunks) - 1
        if helpers < 1 || state.insideParallelRegion || busy {
            lock.unlock()
            for i in 0..<max(chunks, 0) { body(i) }
            return
        }
        busy = true
        while workers < helpers { spawnWorker(); workers += 1 }
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            helpersWanted = helpers
            nextChunk = 0
            chunkCount = chunks
            finishedChunks = 0
            generation += 1
            jobOver.store(false, ordering: .releasing)
            publishedGeneration.store(generation, ordering: .releasing)
            lock.broadcast()
            let current = generation
            lock.unlock()
            state.insideParallelRegion = true
            work(body: escapable, generation: current)
            state.insideParallelRegion = false
            if helpers < Self.cores { Self.spin(until: { jobOver.load(ordering: .acquiring) }) }
            done.lock()
            lock.lock()
            while finishedChunks < chunkCount || helpersHoldingJob > 0 {
                lock.unlock()
                done.wait()
                lock.lock()
            }
            job = nil
            busy = false
            lock.unlock()
            done.unlock()
        }
    }

    /// Takes chunks of job `generation` until none is left (or a later job has replaced it).
    private func work(body: (Int) -> Void, generation: Int) {
        while true {
            lock.lock()
            guard self.generation == generation, nextChunk < chunkCount else { lock.unlock(); return }
            let index = nextChunk
            nextChunk += 1
            lock.unlock()
            body(index)
            lock.lock()
            finishedChunks += 1
            let last = finishedChunks == chunkCount
            if last && helpersHoldingJob == 0 { jobOver.store(true, ordering: .releasing) }
            lock.unlock()
            if last { done.lock(); done.signal(); done.unlock() }
        }
    }

    /// Runs chunks of the current job; the reference to its body ends with this call.
    private func participate(generation: Int) {
        lock.lock()
        let body = job
        lock.unlock()
        if let body { work(body: body, generation: generation) }
    }

    private func spawnWorker() {
        let index = workers
        let thread = Thread { [unowned self] in self.workerLoop(index: index) }
        thread.name = "loraf-kernels-\(index + 1)"
        thread.start()
    }

    /// Worker `index` (0-based among helpers) joins a job only when the job wants that many helpers.
    private func workerLoop(index: Int) {
        KernelThreadState.current.insideParallelRegion = true
        var seen = 0, tookPart = false
        lock.lock()
        while true {
            if generation == seen && tookPart && requestedThreads <= Self.cores {
                lock.unlock()
                Self.spin(until: { publishedGeneration.load(ordering: .acquiring) != seen })
                lock.lock()
            }
            while generation == seen { lock.wait() }
            seen = generation
            tookPart = index < helpersWanted && job != nil
            guard tookPart else { continue }
            helpersHoldingJob += 1
            lock.unlock()
            participate(generation: seen)
            lock.lock()
            helpersHoldingJob -= 1
            if helpersHoldingJob == 0 {
                if finishedChunks == chunkCount { jobOver.store(true, ordering: .releasing) }
                // Never take `done` while holding `lock`: the caller takes them in the other order.
                lock.unlock()
                done.lock(); done.signal(); done.unlock()
                lock.lock()
            }
        }
    }

    /// Polls `ready` up to `spinIterations` times; returns early once it is true.
    @inline(__always)
    private static func spin(until ready: () -> Bool) {
        var remaining = spinIterations
        while remaining > 0 && !ready() {
            loraf_cpu_relax()
            remaining -= 1
        }
    }
}
