import Foundation
import XCTest
@testable import LorafLua

/// A state with the `loraf` module, and helpers to run a chunk and read its results or its error.
struct LorafLuaHarness {
    let state: LuaState

    init() throws {
        state = try LuaState()
        try LorafModule.install(in: state)
    }

    /// The values `chunk` returns.
    @discardableResult
    func run(_ chunk: String) throws -> [LuaValue] { try state.execute(chunk, name: "=test") }

    /// The first value `chunk` returns.
    func value(_ chunk: String) throws -> LuaValue { try run(chunk).first ?? .nil }

    /// The error message of `chunk` (nil when it succeeds).
    func error(_ chunk: String) -> String? {
        do { try run(chunk); return nil } catch { return (error as? LuaError)?.message ?? "\(error)" }
    }

    /// The numbers of a (nested) list value, flattened.
    static func numbers(_ value: LuaValue) -> [Double] {
        switch value {
        case .list(let items): return items.flatMap(numbers)
        default: return value.numberValue.map { [$0] } ?? []
        }
    }
}

/// The repository root (the folder holding Package.swift), found from this file's path.
let bindingTestsRepositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

/// models/all-MiniLM-L6-v2, or a skip that says how to get it.
func miniLMPath() throws -> String {
    let url = bindingTestsRepositoryRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) else {
        throw XCTSkip("models/all-MiniLM-L6-v2 is missing: run scripts/fetch_model.sh")
    }
    return url.path
}
