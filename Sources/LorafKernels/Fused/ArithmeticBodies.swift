// The element-wise arithmetic bodies, compiled per ISA like FusedBodies.swift (shared through symbolic links by
// LorafKernelsAVX2 and LorafKernelsAVX512; LorafKernels compiles the SSE2 baseline). The parallel split is
// Arithmetic.swift's.

extension ISAFused {
    /// y = a + b over `count` floats (y may alias a or b).
    package static func addRun(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        forEachLanes(count: count) { i, live in storeLanes(loadLanes(a + i, live) + loadLanes(b + i, live), y + i, live) }
    }

    /// y = a ⊙ b over `count` floats (y may alias a or b).
    package static func multiplyRun(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                    count: Int) {
        forEachLanes(count: count) { i, live in storeLanes(loadLanes(a + i, live) * loadLanes(b + i, live), y + i, live) }
    }

    /// y = scale · x + shift over `count` floats, a multiply then an add as `x * scale + shift` rounds (y may alias x);
    /// with shift = 0 only the multiply, so a −0 product stays −0 (as `x * scale`).
    package static func scaleShiftRun(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                                      scale: Float, shift: Float) {
        let (s, t) = (Lanes(repeating: scale), Lanes(repeating: shift))
        if shift == 0 {
            forEachLanes(count: count) { i, live in storeLanes(loadLanes(x + i, live) * s, y + i, live) }
        } else {
            forEachLanes(count: count) { i, live in storeLanes(loadLanes(x + i, live) * s + t, y + i, live) }
        }
    }
}
