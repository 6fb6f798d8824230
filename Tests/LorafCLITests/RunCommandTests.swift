import XCTest
import LorafTestSupport

final class RunCommandTests: XCTestCase {
    private var loraf: LorafBinary!
    private var folder: URL!
    private let hooks = ["LORAF_TEST_HOOKS": "1"]

    override func setUpWithError() throws {
        loraf = try LorafBinary()
        folder = try makeScratchFolder("loraf-cli")
    }

    private func script(_ name: String, _ source: String) throws -> String {
        try Data(source.utf8).write(to: folder.appendingPathComponent(name))
        return name
    }

    func testChunkPrintsVersionAndExitsZero() throws {
        let result = try loraf.run(["run", "-e", "print(loraf.version)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "0.1.0\n")
        XCTAssertEqual(result.stderr, "")
    }

    func testScriptSeesArgLikeStockLua() throws {
        let name = try script("args.lua", "print(arg[0], arg[1], arg[2], #arg, select('#', ...), ...)")
        let result = try loraf.run(["run", name, "a", "--b"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "args.lua\ta\t--b\t2\t2\ta\t--b\n")
        let interpreter = try loraf.run(["run", "-e", "print(arg[-1])"])
        XCTAssertEqual(interpreter.stdout, loraf.url.resolvingSymlinksInPath().path + "\n")
    }

    func testErrorInNestedLuaFunction() throws {
        let name = try script("nested.lua", "local function inner()\n  error('deep failure')\nend\nlocal function outer() inner() end\nouter()\n")
        let result = try loraf.run(["run", name], directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("nested.lua:2: deep failure\nstack traceback:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("nested.lua:4: in local 'outer'"), result.stderr)
    }

    func testErrorInSwiftFunctionCalledFromLua() throws {
        let name = try script("swift.lua", "print('before')\nloraf_test.fail('disk full')\n")
        let result = try loraf.run(["run", name], environment: hooks, directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "before\n")
        XCTAssertTrue(result.stderr.hasPrefix("swift.lua:2: loraf_test.fail: disk full\n"), result.stderr)
    }

    func testErrorInLuaCalledBackFromSwift() throws {
        let name = try script("callback.lua", "local function on_step(n)\n  if n > 1 then error('step ' .. n) end\nend\nloraf_test.call(on_step, 1)\nloraf_test.call(on_step, 2)\n")
        let result = try loraf.run(["run", name], environment: hooks, directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("callback.lua:2: step 2\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains("callback.lua:5: in main chunk"), result.stderr)
    }

    func testSwiftThrowAfterAllocatingReleasesAndRunsDefer() throws {
        let chunk = """
            local ok, message = pcall(loraf_test.fail_after_alloc)
            collectgarbage()
            print(ok, message, loraf_test.defer_ran(), loraf_test.counts())
            """
        let result = try loraf.run(["run", "-e", chunk], environment: hooks)
        XCTAssertEqual(result.stdout, "false\tloraf_test.fail_after_alloc: failed after allocating\ttrue\t1\t1\n", result.stderr)
    }

    func testNamedArgumentErrorReadsWell() throws {
        let result = try loraf.run(["run", "-e", "loraf_test.options{ r = '8x' }"], environment: hooks)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("(command line):1: loraf_test.options: 'r' must be a positive integer, got string \"8x\""), result.stderr)
    }

    func testMissingFileSyntaxErrorAndUsage() throws {
        let missing = try loraf.run(["run", "missing.lua"], directory: folder)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot open missing.lua"), missing.stderr)

        let name = try script("bad.lua", "x = = 1\n")
        let syntax = try loraf.run(["run", name], directory: folder)
        XCTAssertEqual(syntax.status, 1)
        XCTAssertTrue(syntax.stderr.contains("syntax error: bad.lua:1:"), syntax.stderr)

        XCTAssertEqual(try loraf.run(["run"]).status, 2)
        XCTAssertEqual(try loraf.run(["no-such-command"]).status, 2)
        let help = try loraf.run(["run", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE: loraf run"), help.stdout)
    }

    func testManyUserdataFromAScriptAreAllReleased() throws {
        let chunk = "for i = 1, 100000 do local t = loraf_test.tracked() end\ncollectgarbage()\nprint(loraf_test.counts())"
        let result = try loraf.run(["run", "-e", chunk], environment: hooks)
        XCTAssertEqual(result.stdout, "100000\t100000\n", result.stderr)
    }

    func testHelpListsAndDescribesEntries() throws {
        let index = try loraf.run(["run", "-e", "loraf.help()"])
        XCTAssertTrue(index.stdout.contains("loraf.help([name])"), index.stdout)
        let one = try loraf.run(["run", "-e", "loraf.help('version')"])
        XCTAssertTrue(one.stdout.hasPrefix("loraf.version\n\nThe loraf release"), one.stdout)
    }
}
