import XCTest
@testable import LorafKernels

/// Deterministic SplitMix64 generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1, using generator: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &generator) }
}

/// Largest |a − b| over two equal-length arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

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
