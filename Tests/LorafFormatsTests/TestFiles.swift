import Foundation
import XCTest

/// Paths and scratch files shared by the LorafFormats tests.
enum TestFiles {
    /// The repository root (this file is Tests/LorafFormatsTests/TestFiles.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
    }

    /// A fresh empty directory, removed when the test ends.
    static func scratchDirectory(for testCase: XCTestCase) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("loraf-formats-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    /// The bytes of a safetensors file: length prefix, `header` as given (no padding), `data`.
    static func rawFile(header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return rawFile(headerLength: UInt64(json.count), headerBytes: json, data: data)
    }

    static func rawFile(headerLength: UInt64, headerBytes: [UInt8], data: [UInt8] = []) -> [UInt8] {
        withUnsafeBytes(of: headerLength.littleEndian, Array.init) + headerBytes + data
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }
}
