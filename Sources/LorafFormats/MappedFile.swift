#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory; unmapped when the last reference goes.
///
/// The mapping is private and read-only. If another process truncates the file
/// while it is mapped, touching the lost pages raises SIGBUS: that is inherent to
/// memory mapping and the reason writers here replace files by rename instead.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    /// Maps `path`. Files shorter than `minimumSize` are refused before mapping
    /// (a zero-length mapping is not possible).
    init(path: String, minimumSize: Int) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SafeTensorsError(file: path, problem: .cannotOpen(reason: systemErrorText()))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SafeTensorsError(file: path, problem: .cannotOpen(reason: systemErrorText()))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SafeTensorsError(file: path, problem: .notARegularFile)
        }
        let size = Int(status.st_size)
        guard size >= minimumSize else {
            throw SafeTensorsError(file: path, problem: .fileTooSmall(size: size))
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw SafeTensorsError(file: path, problem: .cannotOpen(reason: "mmap: " + systemErrorText()))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}

/// The text of the current `errno`.
func systemErrorText() -> String {
    String(cString: strerror(errno))
}
