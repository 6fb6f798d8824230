import LorafTensor

/// Conversions between Lua tables and tensors.
enum TensorConversion {
    /// A tensor from a number (shape []) or nested lists of numbers (`{{1,2},{3,4}}` → shape [2, 2]).
    /// - Throws: a reason naming the position for a ragged table (`element [2] has 3 entries, expected 2`),
    ///   a non-number leaf, or a table that is not a list.
    static func tensor(from value: LuaValue) throws -> Tensor {
        var shape: [Int] = []
        var probe = value
        while case .list(let items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        var scalars: [Float] = []
        scalars.reserveCapacity(shape.reduce(1, *))
        try flatten(value, shape: shape[...], position: "", into: &scalars)
        return try Tensor(shape: shape, scalars: scalars)
    }

    private static func flatten(_ value: LuaValue, shape: ArraySlice<Int>, position: String, into scalars: inout [Float]) throws {
        let here = position.isEmpty ? "the table" : "element \(position)"
        guard let extent = shape.first else {
            guard let number = value.numberValue else {
                throw ConversionError("\(here) is \(value.errorDescription), expected a number")
            }
            scalars.append(Float(number))
            return
        }
        guard case .list(let items) = value else {
            throw ConversionError("\(here) is \(value.errorDescription), expected a list of \(extent) entries")
        }
        guard items.count == extent else {
            throw ConversionError("ragged table: \(here) has \(items.count) entries, expected \(extent)")
        }
        for (index, item) in items.enumerated() {
            try flatten(item, shape: shape.dropFirst(), position: position + "[\(index + 1)]", into: &scalars)
        }
    }

    /// Nested lists of numbers (see ``number(_:)``) with the tensor's shape; a number for a scalar.
    static func table(of tensor: Tensor) -> LuaValue {
        let values = tensor.scalars
        return nested(shape: tensor.shape) { number(values[$0]) }
    }

    /// A tensor element as Lua sees it: an integer when the value is integral (so `t[2][1]` prints `3` for a
    /// tensor made from `{{1, 2}, {3, 4}}`, as the table would), a float otherwise.
    static func number(_ value: Float) -> LuaValue {
        value.rounded() == value && abs(value) < 0x1p53 ? .integer(Int(value)) : .number(Double(value))
    }

    /// Nested lists with `shape` whose leaves are `leaf(flat row-major position)`; the leaf itself for shape [].
    static func nested(shape: [Int], _ leaf: (Int) -> LuaValue) -> LuaValue {
        func build(_ axis: Int, _ start: Int) -> LuaValue {
            if axis == shape.count { return leaf(start) }
            let step = shape[(axis + 1)...].reduce(1, *)
            return .list((0 ..< shape[axis]).map { build(axis + 1, start + $0 * step) })
        }
        return build(0, 0)
    }

    /// Integer ids from a tensor of integral values or nested lists of integers, e.g. `input_ids`.
    /// - Throws: a reason naming the position for a non-integer value or a ragged table.
    static func intTensor(from value: LuaValue) throws -> IntTensor {
        let floats: Tensor
        if let tensor = value.object(as: Tensor.self) { floats = tensor } else { floats = try tensor(from: value) }
        let values = floats.scalars
        if let bad = values.firstIndex(where: { $0.rounded() != $0 || abs($0) > 0x1p24 }) {
            throw ConversionError("value \(values[bad]) at flat position \(bad + 1) is not an integer id")
        }
        return try IntTensor(shape: floats.shape, scalars: values.map { Int($0) })
    }

    /// A shape: a list of non-negative integers (`allowInferred`: one entry may be -1).
    static func shape(from value: LuaValue, allowInferred: Bool = false) throws -> [Int] {
        guard case .list(let items) = value else {
            throw ConversionError("shape must be a list of integers, got \(value.errorDescription)")
        }
        return try items.enumerated().map { index, item in
            guard let extent = item.integerValue, extent >= 0 || (allowInferred && extent == -1) else {
                let expected = allowInferred ? "a non-negative integer or -1" : "a non-negative integer"
                throw ConversionError("shape entry [\(index + 1)] is \(item.errorDescription), expected \(expected)")
            }
            return extent
        }
    }
}

/// A conversion failure; bindings wrap the reason into an argument error naming the function and argument.
struct ConversionError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension LuaArguments {
    /// Runs a conversion of argument `position`, turning its ``ConversionError`` into
    /// `bad argument #n to 'f' (reason)`.
    func converting<R>(_ position: Int, _ convert: (LuaValue) throws -> R) throws -> R {
        do { return try convert(value(position)) } catch let failure as ConversionError {
            throw error(position, failure.reason)
        }
    }
}
