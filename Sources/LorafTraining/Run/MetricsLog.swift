import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends ``MetricsRecord``s to a JSON-lines file, one object a line. Each record goes to the file with one
/// write(2) call (no user-space buffer), so a crash loses at most the line being written and other readers
/// (`tail -f`) see every line as soon as it is appended. Existing content is kept (a resumed run appends).
public final class MetricsLog {
    /// The file appended to.
    public let url: URL
    private let descriptor: Int32

    /// Opens (creating if needed) `url` for appending.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when it cannot be opened.
    public init(url: URL) throws {
        self.url = url
        descriptor = try DurableFiles.openForWriting(url.path, append: true)
    }

    deinit { close(descriptor) }

    /// Appends `record` as one line.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)`` when the write fails.
    public func append(_ record: MetricsRecord) throws {
        let line = Array((record.jsonLine + "\n").utf8)
        try line.withUnsafeBytes { try DurableFiles.writeAll($0, to: descriptor, path: url.path) }
    }
}
