import ArgumentParser
import Foundation
import LorafGeneration
import LorafTemplates

/// `loraf generate MODEL [--adapter DIR] PROMPT`: one completion, streamed to standard output.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text from a prompt with a causal LM (GGUF or Hugging Face folder).",
        discussion: """
            The prompt is plain text, or with --chat a user message rendered by the model's chat template. \
            The answer is printed as it is generated; it ends at the model's end-of-sequence token, a --stop \
            string or --max-new-tokens. Errors exit with status 1.
            """)

    @OptionGroup var arguments: GenerationArguments

    @Flag(help: "Treat the prompt as a user message and render it with the model's chat template.")
    var chat = false

    @Option(help: ArgumentHelp("A system message (with --chat).", valueName: "text"))
    var system: String?

    @Argument(help: "The prompt.")
    var prompt: String

    func validate() throws {
        if system != nil && !chat { throw ValidationError("--system needs --chat") }
    }

    func run() throws {
        do {
            let lm = try arguments.load()
            if chat {
                let messages = (system.map { [ChatMessage(role: "system", content: $0)] } ?? []) + [ChatMessage(role: "user", content: prompt)]
                _ = try lm.chat(messages, options: arguments.options) { printNow($0); return true }
            } else {
                _ = try lm.generate([prompt], options: arguments.options) { _, text in printNow(text); return true }
            }
            printNow("\n")
        } catch {
            FileHandle.standardError.write(Data("loraf generate: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `loraf chat MODEL`: a multi-turn conversation on the terminal, each turn rendered by the model's chat template.
struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat with a causal LM on the terminal.",
        discussion: """
            Each line you type is a user turn; the model's answer streams back and both join the conversation, \
            which the model's chat template renders in full each turn. `/reset` starts over; Ctrl-D leaves. On a \
            terminal lines are edited with libedit and kept in ~/.loraf_chat_history; piped input is read line by line.
            """)

    @OptionGroup var arguments: GenerationArguments

    @Option(help: ArgumentHelp("A system message for the conversation.", valueName: "text"))
    var system: String?

    func run() throws {
        let lm: LanguageModel
        do { lm = try arguments.load() } catch {
            FileHandle.standardError.write(Data("loraf chat: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let start = system.map { [ChatMessage(role: "system", content: $0)] } ?? []
        var messages = start
        let terminal = isatty(STDIN_FILENO) != 0
        let reader: LineReader = terminal ? EditLineReader(historyFile: historyPath(), complete: { _ in [] }) : PlainLineReader()
        while let line = reader.readLine(prompt: terminal ? "> " : "") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text == "/reset" { messages = start; continue }
            messages.append(ChatMessage(role: "user", content: line))
            do {
                let answer = try lm.chat(messages, options: arguments.options) { printNow($0); return true }
                printNow("\n")
                messages.append(ChatMessage(role: "assistant", content: answer.text))
            } catch {
                FileHandle.standardError.write(Data("loraf chat: \(error)\n".utf8))
                messages.removeLast()
            }
        }
    }

    private func historyPath() -> String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".loraf_chat_history").path
    }
}
