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

    /// Drops the whole pages inside `range` (byte offsets) from this process's resident memory, for bytes that were
    /// copied or parsed and will not be read again soon. The bytes stay readable: the mapping is private and never
    /// written, so touching a dropped page reads it again from the file (the page cache). Best effort: a failure
    /// changes nothing but the memory held.
    func releasePages(_ range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = Swift.min(range.upperBound, bytes.count) / page * page
        guard let base = bytes.baseAddress, page > 0, start < end else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, Int32(MADV_DONTNEED))
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
