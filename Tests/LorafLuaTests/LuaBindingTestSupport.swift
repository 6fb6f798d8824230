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

    /// The strings of a list value (other entries are left out).
    static func strings(_ value: LuaValue) -> [String] {
        guard case .list(let items) = value else { return [] }
        return items.compactMap(\.stringValue)
    }

    /// The numbers of a (nested) list value, flattened.
    static func numbers(_ value: LuaValue) -> [Double] {
        switch value {
        case .list(let items): return items.flatMap(numbers)
        default: return value.numberValue.map { [$0] } ?? []
        }
    }
}
