import XCTest
import LorafTestSupport
@testable import LorafLua

final class LorafModuleTests: XCTestCase {
    func testVersionAndRequire() throws {
        let state = try LorafModule.makeState(executable: "/nonexistent/loraf", environment: [:])
        let values = try state.execute("return loraf.version, require('loraf') == loraf, loraf_test")
        XCTAssertEqual(values[0].stringValue, LorafModule.version)
        XCTAssertEqual(values[1].booleanValue, true)
        guard case .nil = values[2] else { return XCTFail("test hooks installed without LORAF_TEST_HOOKS") }
    }

    func testCommittedApiReferenceMatchesRegistrations() throws {
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/lua-api.md"), encoding: .utf8)
        XCTAssertEqual(committed, try LorafModule.apiMarkdown(),
                       "docs/lua-api.md is stale: regenerate with `.build/release/loraf api-docs > docs/lua-api.md`")
    }

    func testEveryEntryHasSignatureAndParagraph() throws {
        let state = try LorafModule.makeState(executable: "/x", environment: [LorafModule.testHooksVariable: "1"])
        for entry in state.documentation.entries {
            XCTAssertFalse(entry.summary.isEmpty, entry.name)
            XCTAssertFalse(entry.signature.isEmpty, entry.name)
        }
        XCTAssertNotNil(state.documentation.entry(named: "help"))
        XCTAssertNotNil(state.documentation.entry(named: "Tracked"))
    }

    func testHomeIsFoundByWalkingUpFromTheExecutable() throws {
        let root = scratchURL("loraf-home")
        let bin = root.appendingPathComponent(".build/release")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("plugins/greet"), withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("Package.swift"))
        try Data("return { hello = 'hi' }".utf8).write(to: root.appendingPathComponent("plugins/greet/init.lua"))
        let executable = bin.appendingPathComponent("loraf").path

        XCTAssertEqual(LuaSearchPath.home(executable: executable, environment: [:]), root.resolvingSymlinksInPath().path)
        XCTAssertEqual(LuaSearchPath.home(executable: executable, environment: ["LORAF_HOME": "/h"]), "/h")
        XCTAssertNil(LuaSearchPath.home(executable: "/nonexistent/bin/loraf", environment: [:]))

        let state = try LorafModule.makeState(executable: executable, environment: ["LORAF_PATH": "/a/?.lua;;/b/?.lua"])
        XCTAssertEqual(try state.execute("return require('greet').hello").first?.stringValue, "hi")
        let path = try state.execute("return package.path").first?.stringValue ?? ""
        XCTAssertTrue(path.hasPrefix("/a/?.lua;/b/?.lua;\(root.resolvingSymlinksInPath().path)/plugins/?.lua;"), path)
    }
}
