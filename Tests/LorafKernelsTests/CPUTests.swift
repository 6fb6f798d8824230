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
}
