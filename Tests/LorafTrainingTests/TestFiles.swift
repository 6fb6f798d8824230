import Foundation
import XCTest
import LorafTestSupport

/// Temporary files and the repository's data/ folder for reader tests.
enum TestFiles {
    /// The absolute path of a file under data/.
    static func data(_ relativePath: String) -> String {
        repositoryRoot.appendingPathComponent("data").appendingPathComponent(relativePath).path
    }

    /// One temporary folder for this test process.
    private static let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("loraf-data-tests-\(ProcessInfo.processInfo.processIdentifier)")

    /// Writes `bytes` to a fresh file in the temporary folder and returns its path.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func write(_ text: String, name: String) throws -> String {
        try write(Array(text.utf8), name: name)
    }
}

/// Asserts that `body` throws an error whose description is exactly `expected`.
func XCTAssertThrowsMessage<T>(_ body: @autoclosure () throws -> T, _ expected: String,
                               file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertEqual("\(error)", expected, file: file, line: line)
    }
}
