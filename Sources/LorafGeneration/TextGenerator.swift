import LorafModels
import LorafStrategies
import LorafTensor

/// Autoregressive generation with a key/value cache for a batch of prompts, each row with its own adapter or
/// none (a mixed-adapter batch through ``AdaptedModel``). Prompts are left-padded; one prefill pass, then one pass
/// per new token that feeds only the new tokens.
///
/// Text comes from one ``RowTextDecoder`` per row (a tokenizer's `StreamingDecoder`), fed each new id: streaming
/// callbacks get only new complete text, and stop strings are found across token boundaries.
public struct TextGenerator {
    public let model: AdaptedModel
    /// The id fed to padded positions (masked out) and to rows that have finished.
    public let padTokenId: Int
    /// Makes the text decoder of a new row.
    public let makeDecoder: () -> any RowTextDecoder

    /// - Parameters:
    ///   - padTokenId: fed at masked (padding) positions and to finished rows; any valid id.
    ///   - makeDecoder: a fresh decoder for one row's generated ids (special tokens left out).
    public init(model: AdaptedModel, padTokenId: Int, makeDecoder: @escaping () -> any RowTextDecoder) {
        self.model = model
        self.padTokenId = padTokenId
        self.makeDecoder = makeDecoder
    }

    /// A generator whose rows decode through `decode` (a row's ids → its text, special tokens left out), the whole
    /// row again at each step (``RedecodingRowDecoder``).
    public init(model: AdaptedModel, padTokenId: Int, decode: @escaping ([Int]) -> String) {
        self.init(model: model, padTokenId: padTokenId) { RedecodingRowDecoder(decode: decode) }
    }

    /// Generates a continuation for each prompt.
    /// - Parameters:
    ///   - prompts: token ids per row (each non-empty).
    ///   - adapters: per row, the adapter name or nil for the base model (nil: the model's active adapter for all).
    ///   - onText: called as a row's text grows with (row, new text); return false to stop that row.
    /// - Throws: `GenerationError` for bad options or prompts; the model's errors (an unknown adapter name).
    public func generate(prompts: [[Int]], adapters: [String?]? = nil, options: GenerationOptions,
                         onText: ((Int, String) throws -> Bool)? = nil) throws -> [GeneratedSequence] {
        try options.validate()
        guard !prompts.isEmpty, prompts.allSatisfy({ !$0.isEmpty }) else {
            throw GenerationError.invalidPrompt("every prompt needs at least one token")
        }
        if let adapters, adapters.count != prompts.count {
            throw GenerationError.invalidPrompt("\(adapters.count) adapter names for \(prompts.count) prompts")
        }
        return try model.evaluating { try run(prompts, adapters, options, onText) }
    }

    private func run(_ prompts: [[Int]], _ adapters: [String?]?, _ options: GenerationOptions,
                     _ onText: ((Int, String) throws -> Bool)?) throws -> [GeneratedSequence] {
        let b = prompts.count, width = prompts.map(\.count).max()!
        var sampler = try TokenSampler(options.sampling, rows: b)
        let cache = KeyValueCache()
        var rows = prompts.map { RowState(prompt: $0, decoder: makeDecoder()) }
        var ids = prompts.flatMap { [Int](repeating: padTokenId, count: width - $0.count) + $0 }
        var mask = prompts.flatMap { [Int](repeating: 0, count: width - $0.count) + [Int](repeating: 1, count: $0.count) }
        var step = width
        for pass in 0..<options.maxNewTokens {
            var input = try ModelInput(inputIds: IntTensor(shape: [b, step], scalars: ids), attentionMask: IntTensor(shape: [b, step], scalars: mask),
                                       adapterNames: adapters, cache: cache)
            input.logitsToKeep = 1
            let context = stepContext(decoding: pass > 0, options: options)
            let logits = try model.forward(input, context).logits!.contiguous()   // [B, 1, vocab]
            let vocab = logits.shape[2]
            ids = []
            for row in 0..<b {
                guard rows[row].finish == nil else { ids.append(padTokenId); continue }
                let next = sampler.next(row: row, logits: UnsafeBufferPointer(start: logits.data + row * vocab, count: vocab),
                                        previous: rows[row].prompt + rows[row].generated)
                ids.append(next)
                try rows[row].accept(next, options: options) { try onText?(row, $0) ?? true }
            }
            mask = [Int](repeating: 1, count: b)
            step = 1
            if rows.allSatisfy({ $0.finish != nil }) { break }
        }
        return rows.map { GeneratedSequence(tokenIds: $0.generated, text: $0.text, finishReason: $0.finish ?? .length) }
    }
}

extension TextGenerator {
    /// The forward context of one generation pass: a decode step (`decoding`: one new token per row, the prompt
    /// already in the cache) takes int8 activations when `options.integerActivations`; the prefill never does.
    func stepContext(decoding: Bool, options: GenerationOptions) -> ForwardContext {
        let context = model.makeContext()
        context.integerActivations = decoding && options.integerActivations
        return context
    }
}

/// One row's progress: its ids, its decoder and the text decoded so far, the text emitted so far, and whether (and
/// why) it has finished.
private struct RowState {
    let prompt: [Int]
    var decoder: any RowTextDecoder
    var generated: [Int] = []
    var decoded = ""
    var text = ""
    var finish: GeneratedSequence.FinishReason?

    init(prompt: [Int], decoder: any RowTextDecoder) {
        self.prompt = prompt
        self.decoder = decoder
    }

    mutating func accept(_ id: Int, options: GenerationOptions, emit: (String) throws -> Bool) throws {
        generated.append(id)
        let stopToken = options.stopTokenIds.contains(id)
        let last = stopToken || generated.count >= options.maxNewTokens
        if !stopToken { decoded += try decoder.append(id) }
        if last { decoded += decoder.finish() }
        // The decoder holds back an incomplete UTF-8 character; until the last token an ending that may grow into a
        // stop string is held back too, so emitted text never has to be taken back.
        var full = decoded
        if let stop = options.stopStrings.compactMap({ full.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            full = String(full[..<stop.lowerBound])
            finish = .stopString
        } else if !last {
            full.removeLast(RowState.partialStopLength(full, options.stopStrings))
        }
        if stopToken { finish = .stopToken }
        guard full.count > text.count, full.hasPrefix(text) else { return }
        let piece = String(full.dropFirst(text.count))
        text = full
        if try !emit(piece) { finish = finish ?? .cancelled }
    }

    /// Characters at the end of `text` that begin one of `stops` (0 when none does).
    static func partialStopLength(_ text: String, _ stops: [String]) -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: Swift.min(stop.count - 1, text.count), to: longest, by: -1) where text.hasSuffix(String(stop.prefix(length))) {
                longest = length
                break
            }
        }
        return longest
    }
}
