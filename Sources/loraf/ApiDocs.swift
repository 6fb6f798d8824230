import ArgumentParser
import LorafLua

/// `loraf api-docs` (hidden): prints docs/lua-api.md, rendered from the registrations.
struct ApiDocs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-docs",
        abstract: "Print the Lua API reference in Markdown (the content of docs/lua-api.md).",
        shouldDisplay: false)

    func run() throws {
        print(try LorafModule.apiMarkdown(), terminator: "")
    }
}
