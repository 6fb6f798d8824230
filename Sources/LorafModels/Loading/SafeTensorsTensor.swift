import LorafFormats
import LorafTensor

extension SafeTensorsFile {
    /// The tensor `name` as a Float32 `Tensor` (F32/F16/BF16/F64 converted), in fresh memory that training and
    /// merging may overwrite.
    /// - Throws: `SafeTensorsError` when the tensor is absent or not a float dtype.
    public func tensor(_ name: String) throws -> Tensor {
        let entry = try entry(name)
        return try Tensor(shape: entry.shape, scalars: floats(name))
    }

    /// The tensor `name` as integers (I64/I32/...), e.g. token ids.
    public func intTensor(_ name: String) throws -> IntTensor {
        let entry = try entry(name)
        return try IntTensor(shape: entry.shape, scalars: integers(name))
    }
}
