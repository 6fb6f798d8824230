import LorafTensor

extension Activation {
    /// Applies the activation element-wise.
    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .gelu: return x.gelu()
        case .geluTanh: return x.geluTanh()
        case .relu: return x.relu()
        case .silu: return x.silu()
        }
    }
}
