/// How over-long inputs are cut (tokenizer.json field `truncation`, or the `maxLength` argument).
public struct TruncationSettings: Equatable, Sendable {
    /// Which sequence of a pair loses tokens.
    public enum Strategy: String, Equatable, Sendable {
        /// Remove from the longer sequence first, splitting the budget as HF `LongestFirst` does.
        case longestFirst = "LongestFirst"
        case onlyFirst = "OnlyFirst"
        case onlySecond = "OnlySecond"
    }
    /// Which end of a sequence is cut.
    public enum Direction: String, Equatable, Sendable {
        case right = "Right"
        case left = "Left"
    }

    /// Maximum total length in tokens, special tokens included.
    public var maxLength: Int
    public var strategy: Strategy
    public var direction: Direction

    public init(maxLength: Int, strategy: Strategy = .longestFirst, direction: Direction = .right) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.direction = direction
    }
}

/// Padding values (tokenizer.json field `padding`, or defaults from the vocabulary).
public struct PaddingSettings: Equatable, Sendable {
    /// Length every encoding is padded to when the file asks for fixed padding, else `nil`.
    public var fixedLength: Int?
    public var padId: Int
    public var padTypeId: Int
    public var padToken: String

    public init(fixedLength: Int?, padId: Int, padTypeId: Int, padToken: String) {
        self.fixedLength = fixedLength
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }
}

/// Ids of the special tokens of a BERT vocabulary.
public struct SpecialTokenIds: Equatable, Sendable {
    public let cls: Int
    public let sep: Int
    public let pad: Int
    public let unk: Int
    /// `nil` when the vocabulary has no mask token.
    public let mask: Int?
}

/// One part of a post-processing template: a special token or one of the input sequences.
enum TemplatePiece: Equatable, Sendable {
    case special(ids: [Int], typeId: Int)
    /// `index` 0 is the first text, 1 the pair text.
    case sequence(index: Int, typeId: Int)
}

/// How [CLS]/[SEP] are added around one text and around a pair.
struct PostProcessorTemplate: Equatable, Sendable {
    var single: [TemplatePiece]
    var pair: [TemplatePiece]

    /// No special tokens: the sequences as they are, types 0 and 1.
    static let none = PostProcessorTemplate(single: [.sequence(index: 0, typeId: 0)],
                                            pair: [.sequence(index: 0, typeId: 0), .sequence(index: 1, typeId: 1)])

    /// BERT's `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, with type 1 for `B [SEP]`.
    static func bert(cls: Int, sep: Int) -> PostProcessorTemplate {
        let clsPiece = TemplatePiece.special(ids: [cls], typeId: 0)
        let sepPiece = TemplatePiece.special(ids: [sep], typeId: 0)
        let sepPieceB = TemplatePiece.special(ids: [sep], typeId: 1)
        return PostProcessorTemplate(
            single: [clsPiece, .sequence(index: 0, typeId: 0), sepPiece],
            pair: [clsPiece, .sequence(index: 0, typeId: 0), sepPiece, .sequence(index: 1, typeId: 1), sepPieceB])
    }

    /// Number of special-token ids the template adds around one text (`isPair` false) or a pair.
    func addedTokenCount(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case let .special(ids, _) = piece { return count + ids.count }
            return count
        }
    }
}

/// Everything a `WordPieceTokenizer` is built from, whichever file it was read from.
struct TokenizerConfiguration: Sendable {
    var normalizer: BertNormalizerOptions
    var model: WordPieceModel
    /// Tokens matched in the raw text before normalization, with their ids.
    var addedTokens: [(content: String, id: Int)]
    /// Ids that `decode(skipSpecialTokens: true)` leaves out.
    var specialIds: Set<Int>
    var template: PostProcessorTemplate
    var truncation: TruncationSettings?
    var padding: PaddingSettings
    var specialTokenIds: SpecialTokenIds
    var decoderPrefix: String
    var decoderCleanup: Bool
}
