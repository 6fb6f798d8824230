import Foundation

/// Unicode canonical decomposition (NFD) of a run of scalars, keeping for every output scalar
/// the index of the input scalar it came from.
///
/// NFD is the full canonical decomposition of each scalar followed by the canonical ordering of
/// combining marks (Unicode Standard, chapter 3.11, D108-D109). The decomposition of one scalar
/// comes from Foundation; the ordering is done here so that origins stay aligned. As in HF
/// `tokenizers`, whose tables are Unicode 8.0, scalars assigned later are left as they are.
enum CanonicalDecomposition {
    /// Scalars below U+00C0 have no canonical decomposition and combining class 0.
    private static let firstDecomposableScalar: UInt32 = 0xC0

    /// Appends the canonical decomposition of `value` (from input position `origin`) to the buffers.
    @inline(__always)
    static func appendDecomposition(of value: UInt32, origin: Int32,
                                    to scalars: inout [UInt32], origins: inout [Int32]) {
        guard value >= firstDecomposableScalar, let scalar = Unicode.Scalar(value),
              BertCharacterClasses.isAssignedInUnicode8(scalar) else {
            scalars.append(value)
            origins.append(origin)
            return
        }
        let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping
        for part in decomposed.unicodeScalars {
            scalars.append(part.value)
            origins.append(origin)
        }
    }

    /// Puts every run of scalars with a non-zero canonical combining class into ascending class
    /// order, stably, moving `origins` along. Scalars of class 0 are never moved.
    static func applyCanonicalOrdering(_ scalars: inout [UInt32], origins: inout [Int32]) {
        var index = 0
        while index < scalars.count {
            let runStart = index
            while index < scalars.count, combiningClass(scalars[index]) != 0 { index += 1 }
            if index - runStart > 1 { sortRun(runStart..<index, &scalars, &origins) }
            index = max(index, runStart + 1)
        }
    }

    @inline(__always)
    private static func combiningClass(_ value: UInt32) -> UInt8 {
        guard value >= 0x300, let scalar = Unicode.Scalar(value) else { return 0 }
        return scalar.properties.canonicalCombiningClass.rawValue
    }

    /// Stable insertion sort of a (short) run by combining class.
    private static func sortRun(_ run: Range<Int>, _ scalars: inout [UInt32], _ origins: inout [Int32]) {
        for position in run.dropFirst() {
            let value = scalars[position], origin = origins[position]
            let key = combiningClass(value)
            var target = position
            while target > run.lowerBound, combiningClass(scalars[target - 1]) > key {
                scalars[target] = scalars[target - 1]
                origins[target] = origins[target - 1]
                target -= 1
            }
            scalars[target] = value
            origins[target] = origin
        }
    }
}
