import Foundation
import XCTest
import LorafTestSupport
@testable import LorafLua

/// Every `lua` block of docs/lua-api.md runs in a fresh state (from the repository root, so `models/...` and
/// `data/...` resolve) and prints exactly its `--> ` lines.
final class DocumentationExampleTests: XCTestCase {
    /// (the heading above the block, the block's lines).
    private func examples(in markdown: String) -> [(heading: String, lines: [String])] {
        var found: [(String, [String])] = []
        var heading = "", block: [String]?
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("#") { heading = line }
            if line == "```lua" { block = []; continue }
            if line == "```", let lines = block { found.append((heading, lines)); block = nil; continue }
            block?.append(line)
        }
        return found
    }

    func testEveryExampleInTheAPIReferenceRunsAndPrintsWhatItShows() throws {
        let markdown = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/lua-api.md"), encoding: .utf8)
        let blocks = examples(in: markdown)
        XCTAssertGreaterThanOrEqual(blocks.count, 10)
        let saved = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(repositoryRoot.path))
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        let hasModel = FileManager.default.fileExists(atPath: "models/all-MiniLM-L6-v2/model.safetensors")
        for (heading, lines) in blocks {
            let code = lines.filter { !$0.hasPrefix("-->") }.joined(separator: "\n")
            let expected = lines.filter { $0.hasPrefix("-->") }.map { String($0.dropFirst(4)) }
            if !hasModel && code.contains("models/") { continue }
            let lua = try LorafLuaHarness()
            try lua.run("""
                printed = {}
                print = function(...)
                  local parts = {}
                  for i = 1, select('#', ...) do parts[i] = tostring((select(i, ...))) end
                  printed[#printed + 1] = table.concat(parts, '\\t')
                end
                """)
            do {
                try lua.state.execute(code, name: "=example")
            } catch {
                XCTFail("\(heading): the example fails: \(error)")
                continue
            }
            guard case .list(let items) = try lua.value("return printed") else { return XCTFail("no output list") }
            let output = items.compactMap(\.stringValue).joined(separator: "\n").components(separatedBy: "\n")
            XCTAssertEqual(output, expected, "\(heading): printed output differs from the documented one")
        }
    }

    /// loraf.help shows the experiment entries, with their examples.
    func testHelpCoversTheExperimentEntries() throws {
        let documentation = try LorafLuaHarness().state.documentation
        for name in ["Tensor:requires_grad", "Tensor:backward", "Tensor:grad", "Tensor:detach", "Tensor:add_", "Tensor:zero_",
                     "loraf.no_grad", "Model:parameter", "Model:named_parameters", "Model:zero_grad", "Model:on_forward",
                     "loraf.optim.adamw", "loraf.optim.sgd", "Optimizer:step", "Optimizer:state", "loraf.schedule.linear",
                     "loraf.losses.cross_entropy", "loraf.losses.causal_lm", "loraf.batches", "loraf.register_strategy"] {
            XCTAssertNotNil(documentation.entry(named: name), "loraf.help(\"\(name)\") has no entry")
        }
        let backward = try XCTUnwrap(documentation.entry(named: "Tensor:backward"))
        XCTAssertTrue(documentation.text(for: backward).contains("\n\nExample:\nlocal w = loraf.tensor"), documentation.text(for: backward))
        XCTAssertTrue(documentation.index().contains("model:on_forward(path, function(module_path, output)"))
    }
}
