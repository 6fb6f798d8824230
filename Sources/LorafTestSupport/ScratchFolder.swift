import Foundation
import XCTest

extension XCTestCase {
    /// A unique path under the temporary directory (`<prefix>-<UUID>`), not yet created, removed with all its
    /// content when the test ends.
    public func scratchURL(_ prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A fresh empty folder under the temporary directory, removed with its content when the test ends.
    /// - Throws: the file system's error when the folder cannot be created.
    public func makeScratchFolder(_ prefix: String) throws -> URL {
        let url = scratchURL(prefix)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
