import LorafTensor

/// `count` uniform Floats in `range`, drawn from `generator` (seeded, so failures reproduce).
public func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1, using generator: inout RandomGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &generator) }
}

/// A dense tensor of shape `shape` with values uniform in [low, high), from `RandomGenerator(seed: seed)`;
/// it requires gradients when `grad` is true.
public func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1, grad: Bool = true) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(zeros: shape)
    for i in 0..<t.count { t.data[i] = low + (high - low) * rng.nextUniform() }
    return t.requiringGrad(grad)
}
