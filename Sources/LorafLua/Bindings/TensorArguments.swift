import LorafTensor

/// Argument readers and the result helper shared by the tensor bindings.
extension LuaArguments {
    /// The tensor at `position`.
    func tensor(_ position: Int) throws -> Tensor { try object(position, as: Tensor.self) }

    /// A tensor operand: a tensor, or a number as a scalar tensor (shape []) that broadcasts.
    func operand(_ position: Int) throws -> Tensor {
        if let number = value(position).numberValue { return Tensor(scalar: Float(number)) }
        if let tensor = value(position).object(as: Tensor.self) { return tensor }
        throw error(position, "Tensor or number expected, got \(state.objectTypeName(of: value(position)) ?? value(position).errorDescription)")
    }

    /// A 1-based axis of a tensor of rank `rank` (negative counts from the end: -1 is the last) as the
    /// 0-based axis LorafTensor uses; nil when the argument is absent.
    func optionalAxis(_ position: Int, rank: Int) throws -> Int? {
        guard let axis = try optionalInteger(position) else { return nil }
        return try zeroBasedAxis(axis, rank: rank) { self.error(position, $0) }
    }

    /// `tensor` as a Lua value, after telling the collector about its memory (``LuaState/nudgeCollector(bytes:)``).
    func result(_ tensor: Tensor) -> LuaValue {
        state.nudgeCollector(bytes: tensor.count * MemoryLayout<Float>.stride)
        return .object(tensor)
    }
}

/// The 0-based form of the 1-based (or negative, from the end) Lua axis `axis` of a rank-`rank` tensor.
/// - Throws: `fail(reason)` when the axis is 0 or out of range.
func zeroBasedAxis(_ axis: Int, rank: Int, _ fail: (String) -> Error) throws -> Int {
    if axis >= 1 && axis <= rank { return axis - 1 }
    if axis <= -1 && axis >= -rank { return rank + axis }
    throw fail("axis \(axis) is out of range for a tensor of rank \(rank) (axes are 1...\(rank) or -\(rank)...-1)")
}
