import CEditLine
import Foundation
import LorafLua

/// Where the REPL reads its lines from.
protocol LineReader {
    /// The next line without its newline, or nil at end of input.
    func readLine(prompt: String) -> String?
}

/// Lines from a pipe or file: no prompt, no editing.
struct PlainLineReader: LineReader {
    func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
}

/// Lines from a terminal through libedit: editing, history kept in a file, and tab completion.
final class EditLineReader: LineReader {
    private let historyFile: String?

    /// - Parameters:
    ///   - historyFile: where history is loaded from and saved to after each line (nil: not kept).
    ///   - complete: the completions of the word before the cursor.
    init(historyFile: String?, complete: @escaping (String) -> [String]) {
        self.historyFile = historyFile
        completionSource = complete
        rl_completion_entry_function = nextCompletion
        rl_completion_append_character = 0
        if let historyFile { _ = read_history(historyFile) }
    }

    func readLine(prompt: String) -> String? {
        guard let line = readline(prompt) else { return nil }
        defer { free(line) }
        let text = String(cString: line)
        if !text.trimmingCharacters(in: .whitespaces).isEmpty {
            _ = add_history(text)
            if let historyFile { _ = write_history(historyFile) }
        }
        return text
    }
}

/// The completion function of the active ``EditLineReader`` (libedit's callback cannot capture).
private var completionSource: (String) -> [String] = { _ in [] }
private var pendingCompletions: [String] = []

/// libedit's generator protocol: called with state 0 for the first match, then 1, 2... until nil;
/// each match is a malloc'd string that libedit frees.
private func nextCompletion(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { pendingCompletions = completionSource(text.map { String(cString: $0) } ?? "") }
    guard !pendingCompletions.isEmpty else { return nil }
    return strdup(pendingCompletions.removeFirst())
}
