import LorafTensor

/// What strategies need from a fully connected layer, whatever holds its weight: Float32 (``Linear``) or ggml
/// blocks (``QuantizedLinear``). y = x · Wᵀ + b with W [out, in].
public protocol LinearLayer: UnaryModule {
    var inFeatures: Int { get }
    var outFeatures: Int { get }
    /// The bias [out], if the layer has one (always Float32).
    var bias: Tensor? { get }
    /// W as Float32 [out, in]: the weight itself for a Linear, a dequantized copy for a quantized layer.
    func dequantizedWeight() -> Tensor
    /// W ← W + `delta` [out, in] (merging an adapter).
    /// - Throws: `ModelError.invalid` when the weight cannot take it in place (quantized blocks) or the shape differs.
    func addToWeight(_ delta: Tensor) throws
}

extension Linear: LinearLayer {
    public func dequantizedWeight() -> Tensor { weight }

    public func addToWeight(_ delta: Tensor) throws {
        guard delta.shape == weight.shape else {
            throw ModelError.invalid("cannot add a \(delta.shape) update to a \(weight.shape) weight")
        }
        let d = delta.contiguous()
        for i in 0..<weight.count { weight.data[i] += d.data[i] }
        weight.storage.noteWritten()
    }
}
