extension Kernels {
    /// y = a + b over `count` floats, in parallel chunks (y may alias a or b).
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            let at = span.lowerBound
            set.addRun(a + at, b + at, y + at, count: span.count)
        }
    }

    /// y = a ⊙ b over `count` floats, in parallel chunks (y may alias a or b).
    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            let at = span.lowerBound
            set.multiplyRun(a + at, b + at, y + at, count: span.count)
        }
    }

    /// y = x · scale + shift over `count` floats (rounded as that expression: no fused multiply-add; with shift = 0
    /// just x · scale, so a −0 product stays −0), in parallel chunks (y may alias x).
    public static func scaleShift(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, scale: Float, shift: Float) {
        let set = fused
        Parallel.forEach(count: count, grain: elementGrain) { span in
            set.scaleShiftRun(x + span.lowerBound, y + span.lowerBound, count: span.count, scale: scale, shift: shift)
        }
    }
}
