import Foundation
import XCTest
@testable import LorafKernels

final class CPUTests: XCTestCase {
    func testISANames() {
        XCTAssertEqual(ISA(name: "AVX2"), .avx2)
        XCTAssertEqual(ISA(name: "baseline"), .baseline)
        XCTAssertEqual(ISA(name: "avx512"), .avx512)
        XCTAssertNil(ISA(name: "sse9"))
    }

    func testForcedISAIsClampedToDetected() {
        let saved = CPU.isa
        defer { CPU.isa = saved }
        CPU.isa = .avx512
        XCTAssertEqual(CPU.isa, min(.avx512, CPU.detectedISA))
        CPU.isa = .baseline
        XCTAssertEqual(CPU.isa, .baseline)
        XCTAssertEqual(GEMMKernel.current.nr, 8)
    }

    /// The CPUID check agrees with the kernel's flags in /proc/cpuinfo (Linux), and `hasVNNI` follows `CPU.isa`.
    func testVNNIDetectionAndSelection() throws {
        let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        if let flags = cpuinfo?.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
            let names = Set(flags.split(separator: " ").map(String.init))
            let expected = CPU.detectedISA == .avx512 && names.contains("avx512_vnni") && names.contains("avx512bw")
            XCTAssertEqual(CPU.detectedVNNI, expected, "CPUID leaf 7 vs /proc/cpuinfo")
        }
        let saved = CPU.isa
        defer { CPU.isa = saved }
        CPU.isa = .avx512
        XCTAssertEqual(CPU.hasVNNI, CPU.detectedVNNI)
        CPU.isa = .avx2
        XCTAssertFalse(CPU.hasVNNI, "LORAF_ISA=avx2 turns the int8 kernels off")
    }
}
