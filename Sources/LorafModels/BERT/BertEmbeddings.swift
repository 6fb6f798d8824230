import LorafTensor

/// BERT's input embeddings: word + absolute position + token type, then LayerNorm and dropout.
/// Children: `word_embeddings` [vocab, H], `position_embeddings` [max_positions, H],
/// `token_type_embeddings` [type_vocab, H], `LayerNorm`, `dropout`.
public final class BertEmbeddings: Module {
    public init(_ config: BertConfig, rng: inout RandomGenerator) {
        super.init()
        let std = config.initializerRange
        register(child: "word_embeddings", Embedding(count: config.vocabSize, dim: config.hiddenSize, std: std, rng: &rng))
        register(child: "position_embeddings", Embedding(count: config.maxPositionEmbeddings, dim: config.hiddenSize, std: std, rng: &rng))
        register(child: "token_type_embeddings", Embedding(count: config.typeVocabSize, dim: config.hiddenSize, std: std, rng: &rng))
        register(child: "LayerNorm", LayerNorm(features: config.hiddenSize, eps: config.layerNormEps))
        register(child: "dropout", Dropout(p: config.hiddenDropoutProb))
    }

    /// Token ids, token type ids and position ids of the same shape (e.g. [N], a packed batch's tokens) → [..., H].
    /// - Throws: when a position reaches max_position_embeddings or an id is outside its table.
    public func forward(inputIds: IntTensor, tokenTypeIds: IntTensor, positionIds: IntTensor, _ context: ForwardContext) throws -> Tensor {
        guard let positions = childIfPresent("position_embeddings") as? Embedding,
              let words = childIfPresent("word_embeddings") as? Embedding,
              let types = childIfPresent("token_type_embeddings") as? Embedding else {
            throw ModelError.invalid("BertEmbeddings is missing one of its embedding tables")
        }
        let table = try positions.parameter("weight")
        if let last = positionIds.scalars.max(), last >= table.shape[0] {
            throw ModelError.invalid("position \(last) (sequence length \(last + 1)) exceeds max_position_embeddings \(table.shape[0])")
        }
        let sum = try words.forward(inputIds) + types.forward(tokenTypeIds) + positions.forward(positionIds)
        return try child("dropout").forward(child("LayerNorm").forward(sum, context), context)
    }
}
