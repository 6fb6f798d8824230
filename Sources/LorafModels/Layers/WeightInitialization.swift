/// Whether new layers draw random initial weights. Building a model whose every weight a checkpoint will
/// overwrite skips the draws (22.7M normal samples for MiniLM, most of the load time); `ModelLoader` builds the
/// pre-trained body that way and the new task head normally.
public enum WeightInitialization {
    nonisolated(unsafe) public private(set) static var drawsRandomValues = true

    /// Runs `body` with random initialisation on (`draw == true`) or off (weights stay zero, LayerNorm γ one).
    public static func with<T>(drawing draw: Bool, _ body: () throws -> T) rethrows -> T {
        let saved = drawsRandomValues
        drawsRandomValues = draw
        defer { drawsRandomValues = saved }
        return try body()
    }
}
