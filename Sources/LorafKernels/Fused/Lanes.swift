// Vector helpers of the fused kernels, written once and compiled three times: this file is shared through
// symbolic links by LorafKernelsAVX2 and LorafKernelsAVX512. Each module supplies `Lanes` (its float vector),
// `LaneBits`/`LaneInts` (the same width as UInt32/Int32) and `mulAdd` in its ISAVector.swift
// (LorafKernels: Fused/BaselineLanes.swift).

extension Lanes {
    /// |x| lane-wise (sign bit cleared).
    @inline(__always)
    var magnitude: Lanes { unsafeBitCast(unsafeBitCast(self, to: LaneBits.self) & 0x7fff_ffff, to: Lanes.self) }

    /// Each lane limited to [lo, hi] (compare-and-blend: the generic `clamped`/`pointwiseMax` are not inlined
    /// and run lane by lane).
    @inline(__always)
    func limited(_ lo: Float, _ hi: Float) -> Lanes {
        var v = self
        v.replace(with: lo, where: self .< lo)
        v.replace(with: hi, where: v .> hi)
        return v
    }

    /// Lane-wise maximum of two vectors (compare-and-blend).
    @inline(__always)
    static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes {
        var v = a
        v.replace(with: b, where: b .> a)
        return v
    }

    /// Loads `count` (< Lanes.scalarCount) floats from `p`, the other lanes set to `fill`.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, count: Int, fill: Float = 0) -> Lanes {
        var v = Lanes(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: self, as: Lanes.self) }

    /// Stores the first `count` lanes at `p`.
    @inline(__always)
    func storePartial(_ p: UnsafeMutablePointer<Float>, count: Int) { for i in 0..<count { p[i] = self[i] } }
}

/// Walks `count` floats in steps of `Lanes.scalarCount`, calling `body(offset, live)` with live = Lanes.scalarCount for
/// whole vectors and the remainder for the tail; `body` loads/stores full or partial vectors accordingly.
@inline(__always)
func forEachLanes(count: Int, _ body: (_ offset: Int, _ live: Int) -> Void) {
    var i = 0
    while i + Lanes.scalarCount <= count {
        body(i, Lanes.scalarCount)
        i += Lanes.scalarCount
    }
    if i < count { body(i, count - i) }
}

/// Loads a whole vector or the partial tail of `live` lanes (others `fill`).
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, _ live: Int, fill: Float = 0) -> Lanes {
    live == Lanes.scalarCount ? Lanes.load(p) : Lanes.loadPartial(p, count: live, fill: fill)
}

/// Stores a whole vector or the partial tail of `live` lanes.
@inline(__always)
func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ live: Int) {
    if live == Lanes.scalarCount { v.store(p) } else { v.storePartial(p, count: live) }
}

/// The sum of the lanes by halving (three or four dependent adds; the standard library's `sum()` adds the lanes one
/// after the other).
@inline(__always)
func laneSum(_ v: SIMD16<Float>) -> Float { laneSum(v.lowHalf + v.highHalf) }

@inline(__always)
func laneSum(_ v: SIMD8<Float>) -> Float {
    let four = v.lowHalf + v.highHalf, two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}
