import XCTest

final class ReplCommandTests: XCTestCase {
    func testPipedSessionPrintsValuesAndSurvivesErrors() throws {
        let loraf = try LorafBinary()
        let input = "x = 1 + 1\nx\nfor i=1,2 do\nprint(i)\nend\nerror(\"boom\")\nx * 10\n"
        let result = try loraf.run(["repl"], input: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "2\n1\n2\n20\n")
        XCTAssertTrue(result.stderr.hasPrefix("stdin:1: boom\n"), result.stderr)
    }

    func testOsExitLeaves() throws {
        let result = try LorafBinary().run(["repl"], input: "print('a')\nos.exit(3)\nprint('b')\n")
        XCTAssertEqual(result.status, 3)
        XCTAssertEqual(result.stdout, "a\n")
    }

    func testLorafModuleIsLoaded() throws {
        let result = try LorafBinary().run(["repl"], input: "loraf.version\n")
        XCTAssertEqual(result.stdout, "0.1.0\n")
    }
}
