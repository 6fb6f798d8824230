import Foundation
import LorafFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// rename(2) and write(2), reachable from inside `DurableFiles`, whose own members shadow them.
private func posixRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
private func posixWrite(_ descriptor: Int32, _ start: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, start, count) }

/// File-system steps that survive a crash or power loss: data reaches the disk (fsync) before a rename makes it
/// visible, and renames are made durable by syncing the folder that holds them.
enum DurableFiles {
    /// Writes `data` to `url` atomically with LorafFormats' ``AtomicFileWriter`` (a unique temporary file in the
    /// same folder, fsync, rename over `url`), then fsyncs the folder and, unlike that writer, fails when the
    /// folder cannot be synced: a checkpoint must know its rename is durable. Readers see the old content or the
    /// new, never a mix.
    /// - Throws: ``CheckpointError/io(operation:path:reason:)``; `url` is unchanged when the write itself fails.
    static func write(_ data: Data, to url: URL) throws {
        do {
            try AtomicFileWriter.write([UInt8](data), to: url)
        } catch let error as SafeTensorsError {
            guard case .ioFailure(let operation, let path, let reason) = error.problem else { throw error }
            throw CheckpointError.io(operation: operation, path: path, reason: reason)
        }
        try syncDirectory(url.deletingLastPathComponent())
    }

    /// Renames `source` to `destination` (same file system), replacing a file but not a non-empty folder.
    static func rename(_ source: URL, to destination: URL) throws {
        guard posixRename(source.path, destination.path) == 0 else {
            throw failure("rename to \(destination.path)", source.path)
        }
    }

    /// fsyncs every regular file and folder under `root`, and `root` itself.
    static func syncTree(_ root: URL) throws {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey]) else {
            throw CheckpointError.io(operation: "list", path: root.path, reason: "cannot enumerate the folder")
        }
        for case let item as URL in enumerator {
            let values = try item.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
            if values.isRegularFile == true { try syncFile(item) }
            if values.isDirectory == true { try syncDirectory(item) }
        }
        try syncDirectory(root)
    }

    /// fsyncs one regular file.
    static func syncFile(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open for fsync", url.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync", url.path) }
    }

    /// fsyncs a folder so that renames and new entries in it are durable.
    static func syncDirectory(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open folder for fsync", url.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 || errno == EINVAL else { throw failure("fsync folder", url.path) }
    }

    /// Opens `path` for writing, created or truncated.
    static func openForWriting(_ path: String, append: Bool = false) throws -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else { throw failure("open for writing", path) }
        return descriptor
    }

    /// write(2) until every byte of `bytes` is written.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let result = posixWrite(descriptor, base + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            written += result
        }
    }

    /// The `io` error for `operation` on `path`, with the current `errno` text.
    static func failure(_ operation: String, _ path: String) -> CheckpointError {
        CheckpointError.io(operation: operation, path: path, reason: String(cString: strerror(errno)))
    }
}
