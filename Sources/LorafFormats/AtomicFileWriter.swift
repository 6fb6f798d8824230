import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// write(2), reachable from inside types that have their own `write` method.
private func writeToDescriptor(_ descriptor: Int32, _ start: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, start, count)
}

/// Buffered sequential writes to an open file descriptor.
final class FileSink {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        buffer.reserveCapacity(Self.bufferLimit)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferLimit {
            try flush()
        }
        if bytes.count >= Self.bufferLimit {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func flush() throws {
        try buffer.withUnsafeBytes { try writeFully($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let result = writeToDescriptor(descriptor, base + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError(file: path, problem: .ioFailure(operation: "write", path: path, reason: systemErrorText()))
            }
            written += result
        }
    }
}

/// Replaces a file atomically: the content goes to a fresh temporary file in the
/// same directory, which is flushed to disk (fsync) and then renamed over the
/// target, and the directory is synced. Readers see either the old file or the
/// complete new one. On any error the temporary file is removed and the target
/// is left as it was.
public enum AtomicFileWriter {
    /// Runs `produce` against a sink on a temporary file, then renames it to `url`.
    /// - Throws: `SafeTensorsError` with `.ioFailure` naming the operation and path,
    ///   or whatever `produce` throws.
    static func write(to url: URL, _ produce: (FileSink) throws -> Void) throws {
        let target = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw failure("create temporary file", temporary, target)
        }
        var open = true
        do {
            let sink = FileSink(descriptor: descriptor, path: target)
            try produce(sink)
            try sink.flush()
            guard fsync(descriptor) == 0 else { throw failure("fsync", temporary, target) }
            open = false
            guard close(descriptor) == 0 else { throw failure("close", temporary, target) }
            guard rename(temporary, target) == 0 else { throw failure("rename to target", temporary, target) }
        } catch {
            if open { close(descriptor) }
            unlink(temporary)
            throw error
        }
        syncDirectory(directory)
    }

    /// Replaces the file at `url` with `bytes` atomically (see the type's documentation).
    /// - Throws: `SafeTensorsError` with `.ioFailure` naming the operation and path.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(to: url) { sink in try bytes.withUnsafeBytes { try sink.write($0) } }
    }

    private static func failure(_ operation: String, _ path: String, _ target: String) -> SafeTensorsError {
        SafeTensorsError(file: target, problem: .ioFailure(operation: operation, path: path, reason: systemErrorText()))
    }

    /// Makes the rename durable. Best effort: the new file is complete either way,
    /// and some file systems refuse fsync on directories.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
