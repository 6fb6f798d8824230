import Foundation

/// Shape and size checks shared by every tensor constructor and shape operation, so that a huge or negative
/// extent is an error before anything is allocated, never an arithmetic trap or a failed allocation.
///
/// A valid shape has non-negative extents whose product, counting a zero extent as 1, fits in `Int`; so every
/// partial product of its extents fits too (strides, offsets, `count`, reductions). A shape that will be
/// allocated must also fit in the machine's memory: at most ``maximumElements`` Float32 values.
///
/// ```swift
/// try TensorShape.elementCount([2, 3], op: "zeros")             // 6
/// try TensorShape.allocatableCount([1 << 40], op: "zeros")      // throws: ... 4 TiB ... more than this machine's memory
/// ```
public enum TensorShape {
    /// The most Float32 elements one tensor may hold: the machine's physical memory in bytes / 4.
    public static let maximumElements = Int(clamping: ProcessInfo.processInfo.physicalMemory / UInt64(MemoryLayout<Float>.stride))

    /// The number of elements of `shape`.
    /// - Throws: `TensorError.invalidArgument(op:...)` for a negative extent or a product of extents that
    ///   overflows `Int`, naming the shape.
    public static func elementCount(_ shape: [Int], op: String) throws -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw TensorError.invalidArgument(op: op, message: "shape \(shape) has a negative extent \(negative)")
        }
        var product = 1, hasZero = false
        for extent in shape {
            if extent == 0 { hasZero = true; continue }
            let (next, overflow) = product.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw TensorError.invalidArgument(op: op, message: "shape \(shape) has more elements than an Int can count")
            }
            product = next
        }
        return hasZero ? 0 : product
    }

    /// The number of elements of `shape`, checked as by ``elementCount(_:op:)`` and against ``maximumElements``.
    /// - Throws: `TensorError.invalidArgument(op:...)` as `elementCount`, or when the tensor would need more
    ///   memory than the machine has, giving the size asked for.
    public static func allocatableCount(_ shape: [Int], op: String) throws -> Int {
        let count = try elementCount(shape, op: op)
        try checkAllocation(elements: count, op: op, what: "shape \(shape)")
        return count
    }

    /// Throws unless `elements` Float32 values fit in the machine's memory.
    /// - Parameter what: what is being allocated, for the message ("shape [2, 3]", "the model's parameters").
    /// - Throws: `TensorError.invalidArgument(op:...)` giving the size asked for and the machine's memory.
    public static func checkAllocation(elements: Int, op: String, what: String) throws {
        guard elements > maximumElements || elements < 0 else { return }
        throw TensorError.invalidArgument(op: op, message: "\(what) would take \(byteSize(elements)) of Float32 values, more than this machine's memory (\(byteSize(maximumElements)))")
    }

    /// The total number of elements of several shapes (the parameters of a model), each checked by
    /// ``elementCount(_:op:)``, the sum checked for overflow and against ``maximumElements``.
    public static func totalAllocatableCount(_ shapes: [[Int]], op: String, what: String) throws -> Int {
        var total = 0
        for shape in shapes {
            let (sum, overflow) = total.addingReportingOverflow(try elementCount(shape, op: op))
            guard !overflow else { throw TensorError.invalidArgument(op: op, message: "\(what) have more elements than an Int can count") }
            total = sum
        }
        try checkAllocation(elements: total, op: op, what: what)
        return total
    }

    /// The sum of `extents` (split sizes, concatenated extents).
    /// - Throws: `TensorError.invalidArgument(op:...)` for a negative extent or a sum that overflows `Int`.
    public static func extentSum(_ extents: [Int], op: String) throws -> Int {
        var total = 0
        for extent in extents {
            let (sum, overflow) = total.addingReportingOverflow(extent)
            guard extent >= 0, !overflow else {
                throw TensorError.invalidArgument(op: op, message: "extents \(extents) are negative or add up to more than an Int can count")
            }
            total = sum
        }
        return total
    }

    /// `elements` Float32 values in bytes, in the largest binary unit that keeps the number ≥ 1 ("4 TiB").
    static func byteSize(_ elements: Int) -> String {
        var value = Double(elements) * Double(MemoryLayout<Float>.stride)
        for unit in ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] {
            if value < 1024 || unit == "EiB" { return unit == "bytes" ? "\(Int(value)) bytes" : String(format: "%.1f", value) + " " + unit }
            value /= 1024
        }
        return "\(value) bytes"
    }
}
