import XCTest
@testable import LorafKernels

/// Runs `body` with `Parallel.threadCount` and `CPU.isa` set, restoring both afterwards.
func withKernelSettings(threads: Int, isa: ISA, _ body: () throws -> Void) rethrows {
    let (savedThreads, savedISA) = (Parallel.threadCount, CPU.isa)
    defer { Parallel.threadCount = savedThreads; CPU.isa = savedISA }
    Parallel.threadCount = threads
    CPU.isa = isa
    try body()
}

/// The ISA paths this machine can run.
var runnableISAs: [ISA] { ISA.allCases.filter { $0 <= CPU.detectedISA } }
