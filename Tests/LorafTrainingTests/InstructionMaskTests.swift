import XCTest
import LorafModels
import LorafTemplates
import LorafTestSupport
import LorafTokenizers
@testable import LorafTraining

/// Which tokens carry labels, on SmolLM2-135M-Instruct's own tokenizer and ChatML template (from the GGUF).
final class InstructionMaskTests: XCTestCase {
    nonisolated(unsafe) static var loaded: (any Tokenizer, ChatTemplate)?

    func smolLM2() throws -> (any Tokenizer, ChatTemplate) {
        if let loaded = Self.loaded { return loaded }
        let url = try smolLM2GGUF()
        let files = try ModelTextFiles.load(for: url)
        let loaded = (files.tokenizer, try ChatTemplate(source: XCTUnwrap(files.chatTemplate)))
        Self.loaded = loaded
        return loaded
    }

    func instructionTokenizer(_ trainOn: TrainOn, maxLength: Int = 1024, overflow: OverflowPolicy = .truncate) throws -> InstructionTokenizer {
        let (tokenizer, template) = try smolLM2()
        return InstructionTokenizer(tokenizer: tokenizer, chatTemplate: template, specialTokens: ["eos_token": "<|im_end|>"],
                                    options: InstructionOptions(trainOn: trainOn, maxLength: maxLength, overflow: overflow))
    }

    let chat = InstructionRecord(content: .chat([
        ChatMessage(role: "system", content: "Answer briefly."),
        ChatMessage(role: "user", content: "Is this review positive or negative? A gorgeous, witty film."),
        ChatMessage(role: "assistant", content: "positive"),
        ChatMessage(role: "user", content: "And: a dull mess."),
        ChatMessage(role: "assistant", content: "negative"),
    ]), source: SourceLocation(file: "chat.jsonl", line: 7))

    /// The decoded text of each run of consecutive labelled tokens (labels checked equal to the ids there).
    func labelledRuns(_ example: TokenizedInstruction) throws -> [String] {
        XCTAssertEqual(example.ids.count, example.labels.count)
        var runs: [[Int]] = []
        var previous = false
        for (id, label) in zip(example.ids, example.labels) {
            let labelled = label != ignoredLabel
            if labelled { XCTAssertEqual(label, id) }
            if labelled { if previous { runs[runs.count - 1].append(id) } else { runs.append([id]) } }
            previous = labelled
        }
        let (tokenizer, _) = try smolLM2()
        return try runs.map { try tokenizer.decode($0, skipSpecialTokens: false) }
    }

    func testAssistantTrainsEveryAnswerAndItsEndOfTurnOnly() throws {
        let example = try instructionTokenizer(.assistant).tokenize(chat)
        XCTAssertEqual(try labelledRuns(example), ["positive<|im_end|>", "negative<|im_end|>"])
        let (tokenizer, _) = try smolLM2()
        let labelled = example.labels.filter { $0 != ignoredLabel }
        XCTAssertEqual(labelled, try tokenizer.encodeIds("positive<|im_end|>negative<|im_end|>", addSpecialTokens: false))
        XCTAssertEqual(labelled.filter { $0 == tokenizer.eosTokenId }.count, 2, "each <|im_end|> of an answer")
        XCTAssertFalse(labelled.contains(try XCTUnwrap(tokenizer.id(for: "<|im_start|>"))), "no template header")
    }

    func testPiecewiseTokenizationEqualsTokenizingTheWholeRender() throws {
        let (tokenizer, template) = try smolLM2()
        guard case let .chat(messages) = chat.content else { return XCTFail() }
        let rendered = try template.render(messages: messages, addGenerationPrompt: false)
        XCTAssertTrue(rendered.hasPrefix("<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\n"))
        for mode in [TrainOn.assistant, .last, .all] {
            XCTAssertEqual(try instructionTokenizer(mode).tokenize(chat).ids, try tokenizer.encodeIds(rendered, addSpecialTokens: false))
        }
    }

    func testLastTrainsOnlyTheFinalAnswer() throws {
        XCTAssertEqual(try labelledRuns(try instructionTokenizer(.last).tokenize(chat)), ["negative<|im_end|>"])
    }

    func testAllTrainsEveryToken() throws {
        let example = try instructionTokenizer(.all).tokenize(chat)
        XCTAssertEqual(example.labels, example.ids)
    }

    func testCompletionTrainsTheCompletionAndEOS() throws {
        let record = InstructionRecord(content: .promptCompletion(prompt: "Review: a gorgeous film. Sentiment:", completion: " positive"),
                                       source: SourceLocation(file: "pc.jsonl", line: 1))
        for mode in [TrainOn.completion, .assistant, .last] {
            XCTAssertEqual(try labelledRuns(try instructionTokenizer(mode).tokenize(record)), [" positive<|im_end|>"])
        }
        let all = try instructionTokenizer(.all).tokenize(record)
        XCTAssertEqual(try labelledRuns(all), ["Review: a gorgeous film. Sentiment: positive<|im_end|>"])
    }

    func testModesThatDoNotFitTheRecordsAreRefused() throws {
        XCTAssertThrowsMessage(try instructionTokenizer(.completion).tokenize(chat),
                               "invalid dataset option: train_on = \"completion\" needs prompt/completion records; use \"assistant\" or \"last\" for conversations")
        let text = InstructionRecord(content: .text("Plain text."), source: SourceLocation(file: "t.jsonl", line: 3))
        XCTAssertThrowsMessage(try instructionTokenizer(.assistant).tokenize(text),
                               "invalid dataset option: text records have no answer to train on; use train_on = \"all\" (got \"assistant\")")
        XCTAssertEqual(try labelledRuns(try instructionTokenizer(.all).tokenize(text)), ["Plain text.<|im_end|>"])
    }

    func testTemplateThatRewritesEarlierTurnsIsReportedAtTheRecord() throws {
        let (tokenizer, _) = try smolLM2()
        // Numbers the turns from the end, so adding a message changes the text of every earlier one.
        let template = try ChatTemplate(source: "{% for m in messages %}[{{ messages|length - loop.index0 }}]{{ m.content }}{% endfor %}")
        let tokenize = InstructionTokenizer(tokenizer: tokenizer, chatTemplate: template, specialTokens: [:], options: InstructionOptions())
        XCTAssertThrowsMessage(try tokenize.tokenize(chat), "chat.jsonl:7: the chat template does not render message 2 (assistant) as an "
            + "extension of the messages before it, so its tokens cannot be found; use train_on = \"all\"")
    }

    func testOverflowTruncatesOrDropsAndCounts() throws {
        let short = InstructionRecord(content: .text("Hi."), source: SourceLocation(file: "t.jsonl", line: 1))
        let long = InstructionRecord(content: .text("one two three four five six seven eight nine ten"), source: SourceLocation(file: "t.jsonl", line: 2))
        let truncated = try InstructionDataset(records: [short, long], tokenizer: instructionTokenizer(.all, maxLength: 5))
        XCTAssertEqual(truncated.examples.map(\.ids.count), [3, 5])
        XCTAssertEqual(truncated.report.truncatedCount, 1)
        XCTAssertEqual(truncated.report.droppedCount, 0)
        XCTAssertEqual(truncated.report.overflowing, [OverflowingRecord(source: long.source, length: 11)])
        let dropped = try InstructionDataset(records: [short, long], tokenizer: instructionTokenizer(.all, maxLength: 5, overflow: .drop))
        XCTAssertEqual(dropped.examples.map(\.source), [short.source])
        XCTAssertEqual(dropped.report.droppedCount, 1)
        XCTAssertEqual("\(dropped.report)", "1 examples, 3 tokens (3 labelled), 0 truncated and 1 dropped at max_length 5, 0 without labels\n"
            + "  t.jsonl:2: 11 tokens, dropped")
        let cutAnswer = try InstructionDataset(records: [chat], tokenizer: instructionTokenizer(.last, maxLength: 20))
        XCTAssertEqual(cutAnswer.report.unlabelled, [chat.source], "the answer lies past token 20")
    }
}
